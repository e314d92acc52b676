using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Customers.Server.Tests.Processes;

/// <summary>
/// The built service as its own process on Kestrel at 127.0.0.1, the way it is deployed: for the
/// tests a TestServer cannot do (a real browser, signals, crashes, resident memory). Its data
/// folder holds the SQLite file unless the settings name another store; it outlives a restart.
/// Kestrel binds port 0 and the address is read from its "Now listening on" line: a port chosen
/// by the test and released before the process binds it can be taken meanwhile by any other
/// process on the machine (the suites run in parallel), and the test would talk to that one.
/// </summary>
public sealed partial class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output;

    private Uri? _baseAddress;

    private ServiceProcess(Process process, ConcurrentQueue<string> output, string dataDirectory)
    {
        _process = process;
        _output = output;
        DataDirectory = dataDirectory;
    }

    public string DataDirectory { get; }

    /// <summary>How many file descriptors the process holds open now, from /proc.</summary>
    public int OpenFileDescriptors => Directory.EnumerateFileSystemEntries($"/proc/{Pid}/fd").Count();

    public Uri BaseAddress => _baseAddress ?? throw new InvalidOperationException("The service has not said where it listens yet.");

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the process wrote to stdout and stderr so far, line by line.</summary>
    public IReadOnlyCollection<string> Output => _output;

    /// <summary>Resident set size now, from /proc (VmRSS).</summary>
    public long ResidentBytes
    {
        get
        {
            var line = File.ReadLines($"/proc/{Pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
    }

    /// <summary>
    /// What a deployed (non-Development) service must be told before it starts, as the tests' own
    /// processes run it: the gateway's API_KEY may call every operation on every organization, said
    /// on purpose, and the hosts the tests address it by.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> DeployedSettings = new Dictionary<string, string>
    {
        ["Authorization__Grants__API_KEY__0"] = "*",
        ["Authorization__Orgs__API_KEY__0"] = "*",
        ["AllowedHosts"] = "127.0.0.1;localhost",
        // One key for the whole test run, so that instances and restarts of a test replay each other's keys.
        ["Idempotency__FingerprintKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
        // Load, soak and durability runs send far past an organization's default rates: off unless a test sets them.
        ["Limits__Organization__ReadsPerSecond"] = "0",
        ["Limits__Organization__WritesPerSecond"] = "0",
    };

    /// <summary>
    /// For the load tests that write hundreds of credentials to a few customers: without it, most of
    /// their writes would be 409 CREDENTIAL_LIMIT_REACHED.
    /// </summary>
    public static readonly KeyValuePair<string, string> UnlimitedCredentials = new("Storage__MaxCredentialsPerCustomer", "1000000");

    /// <summary>
    /// Names an executable that every process of the suite runs instead of the JIT build: tests/run.sh
    /// runs the process suites a second time with the Native AOT publish (docs/native-aot.md).
    /// </summary>
    public const string ExecutableVariable = "CUSTOMERS_SERVICE_EXECUTABLE";

    /// <summary>
    /// Starts the service on a port Kestrel picks and waits until /health/ready answers 200. A
    /// wrapper (strace and its arguments, say) runs the service as its own child. The service is
    /// the JIT build beside the tests, or <paramref name="executable"/> (the Native AOT publish),
    /// or the one <see cref="ExecutableVariable"/> names.
    /// </summary>
    public static async Task<ServiceProcess> StartAsync(string dataDirectory, IReadOnlyDictionary<string, string>? settings = null, IReadOnlyList<string>? wrapper = null, string? executable = null)
    {
        executable ??= Environment.GetEnvironmentVariable(ExecutableVariable) is { Length: > 0 } named ? named : null;
        string[] program = executable is null ? ["dotnet", Path.Combine(AppContext.BaseDirectory, "Customers.Server.dll")] : [executable];
        string[] command = [.. wrapper ?? [], .. program];
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dataDirectory };
        foreach (var argument in command[1..])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information"; // the line that names the port
        start.Environment["ConnectionStrings__Sqlite"] = $"Data Source={Path.Combine(dataDirectory, "customers.db")}";
        foreach (var (name, value) in DeployedSettings)
        {
            start.Environment[name] = value;
        }

        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var output = new ConcurrentQueue<string>();
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var service = new ServiceProcess(process, output, dataDirectory);
        try
        {
            await service.WaitUntilReadyAsync();
            return service;
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
    }

    public HttpClient CreateClient(string? roles = "API_KEY", HttpMessageHandler? handler = null)
    {
        var client = handler is null ? new HttpClient() : new HttpClient(handler);
        client.BaseAddress = BaseAddress;
        client.Timeout = TimeSpan.FromSeconds(30);
        if (roles is not null)
        {
            client.DefaultRequestHeaders.Add("x-auth-roles", roles);
        }

        return client;
    }

    /// <summary>SIGKILL: the process ends at once, with no chance to flush or finish anything.</summary>
    public async Task CrashAsync()
    {
        Signals.Send(Pid, Signals.Kill);
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, as an orchestrator stops a container; returns the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan within)
    {
        Signals.Send(Pid, Signals.Term);
        using var timeout = new CancellationTokenSource(within);
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    /// <summary>
    /// For a wrapped service: SIGTERM to the service under the wrapper, then waits for the wrapper
    /// to end by itself, so that it writes out all it recorded (a SIGKILL would lose its buffer).
    /// </summary>
    public async Task StopWrappedAsync(TimeSpan within)
    {
        foreach (var child in File.ReadAllText($"/proc/{Pid}/task/{Pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            Signals.Send(int.Parse(child), Signals.Term);
        }

        using var timeout = new CancellationTokenSource(within);
        await _process.WaitForExitAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        for (var waited = Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(60); await Task.Delay(100))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The service exited with {_process.ExitCode} before it was ready:\n{string.Join('\n', _output)}");
            }

            if (_baseAddress is null)
            {
                var listening = _output.Select(line => ListeningOn().Match(line)).FirstOrDefault(m => m.Success);
                if (listening is null)
                {
                    continue;
                }

                _baseAddress = new Uri(listening.Groups["address"].Value);
                http.BaseAddress = _baseAddress;
            }

            try
            {
                using var ready = await http.GetAsync("/health/ready");
                if (ready.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
        }

        throw new TimeoutException($"The service was not ready within 60 s:\n{string.Join('\n', _output)}");
    }

    [GeneratedRegex(@"Now listening on: (?<address>http://127\.0\.0\.1:[0-9]+)")]
    private static partial Regex ListeningOn();
}
