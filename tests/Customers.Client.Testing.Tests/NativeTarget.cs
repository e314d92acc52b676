using Customers.Client.Testing;
using Customers.ContractChecks;
using Customers.Server.Tests.Processes;
using Microsoft.Extensions.DependencyInjection;

namespace Customers.Client.Testing.Tests;

/// <summary>
/// The service as it is deployed: the Native AOT executable of <c>dotnet publish -r linux-x64</c>,
/// a process of its own on Kestrel with the deployed (non-Development) settings and a SQLite file.
/// tests/run.sh publishes it and names it in <see cref="Variable"/>; without it the scenarios are
/// skipped with that reason, except under CI=true, where they fail: CI never skips the native run.
/// </summary>
public sealed class NativeTarget : ITarget, IAsyncLifetime
{
    public const string Variable = "CUSTOMERS_NATIVE_SERVER";

    private readonly Dictionary<string, string> _settings;
    private readonly string _data = Path.Combine(Path.GetTempPath(), "customers-native-tests", $"{Guid.NewGuid():N}");
    private ServiceProcess? _service;

    public NativeTarget()
        : this([])
    {
    }

    private NativeTarget(Dictionary<string, string> settings)
    {
        _settings = settings;
        _settings["Storage__Timeout"] = "00:00:01"; // a stalled write answers 504 within a second, as RealTarget
    }

    private static string? Executable => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } path ? path : null;

    private ServiceProcess Service => _service ?? throw new InvalidOperationException("The native service has not started.");

    public async Task InitializeAsync()
    {
        if (Executable is not { } executable)
        {
            return; // each test says why it did not run (Require)
        }

        if (!File.Exists(executable))
        {
            throw new FileNotFoundException($"{Variable} names {executable}, which does not exist: publish it with dotnet publish src/Server -c Release -r linux-x64.");
        }

        Directory.CreateDirectory(_data);
        _service = await ServiceProcess.StartAsync(_data, _settings, executable: executable);
    }

    // xunit disposes a fixture through both interfaces; WithOneWritePerFiveSeconds' target only through IDisposable.
    public async Task DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.DisposeAsync();
            _service = null;
        }

        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    public HttpClient Http(string? roles = "API_KEY")
    {
        Require();
        return FakeTarget.WithRoles(new HttpClient(new ContractValidatingHandler(inner: new SocketsHttpHandler())) { BaseAddress = Service.BaseAddress }, roles);
    }

    public CustomerCredentialsClient Client(string roles = "API_KEY") => Client(options => options.Roles = roles);

    public CustomerCredentialsClient Client(Action<CustomerCredentialsClientOptions> configure)
    {
        Require();
        var services = new ServiceCollection();
        services.AddCustomerCredentialsClient(options =>
        {
            options.BaseAddress = Service.BaseAddress;
            configure(options);
        });
        return services.BuildServiceProvider().GetRequiredService<CustomerCredentialsClient>();
    }

    public IDisposable StallWrites()
    {
        Require();
        return SqliteWriteLock.Hold(Path.Combine(Service.DataDirectory, "customers.db"));
    }

    public ITarget WithOneWritePerFiveSeconds()
    {
        Require();
        var limited = new NativeTarget(new Dictionary<string, string>
        {
            ["Limits__Organization__WritesPerSecond"] = "0.2",
            ["Limits__Organization__WritesBurst"] = "1",
        });
        limited.InitializeAsync().GetAwaiter().GetResult();
        return limited;
    }

    public void Dispose() => DisposeAsync().GetAwaiter().GetResult();

    private static void Require()
    {
        if (Executable is not null)
        {
            return;
        }

        var reason = $"{Variable} is not set: tests/run.sh publishes the Native AOT service (dotnet publish src/Server -c Release -r linux-x64) and names the executable there.";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"{reason} CI runs the scenarios against it and does not skip them.");
        }

        Skip.If(true, reason);
    }
}
