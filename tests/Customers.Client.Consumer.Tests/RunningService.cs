using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Customers.Client.Consumer.Tests;

/// <summary>
/// The built service as its own process on Kestrel at 127.0.0.1, on a temporary SQLite file. Kestrel
/// picks the port and says it ("Now listening on"): a port picked here and released could be taken
/// by another process before the service binds it.
/// </summary>
public sealed partial class RunningService : IAsyncLifetime
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("customers-consumer-").FullName;
    private readonly ConcurrentQueue<string> _output = new();
    private Process? _process;
    private Uri? _baseAddress;

    public Uri BaseAddress => _baseAddress ?? throw new InvalidOperationException("The service has not said where it listens yet.");

    public async Task InitializeAsync()
    {
        var server = typeof(RunningService).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ServerAssembly").Value!;
        if (!File.Exists(server))
        {
            throw new InvalidOperationException($"Build the service first: {server} does not exist.");
        }

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _dataDirectory };
        foreach (var argument in new[] { server, "--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Microsoft.Hosting.Lifetime", "Information", "--ConnectionStrings:Sqlite", $"Data Source={Path.Combine(_dataDirectory, "customers.db")}",
            // What a deployed service must be told (outside Development nothing is granted by default).
            "--Authorization:Grants:API_KEY:0", "*", "--Authorization:Orgs:API_KEY:0", "*", "--AllowedHosts", "127.0.0.1",
            "--Idempotency:FingerprintKey", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) _output.Enqueue(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient();
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(30))
        {
            try
            {
                if (_baseAddress is null && _output.Select(line => ListeningOn().Match(line)).FirstOrDefault(m => m.Success) is { } listening)
                {
                    _baseAddress = new Uri(listening.Groups["address"].Value + "/");
                    http.BaseAddress = _baseAddress;
                }

                using var ready = _baseAddress is null ? null : await http.GetAsync("/health/ready");
                if (ready is { IsSuccessStatusCode: true })
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The service exited with {_process.ExitCode} before it was ready:\n{string.Join('\n', _output)}");
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The service was not ready within 30 s.");
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [GeneratedRegex(@"Now listening on: (?<address>http://127\.0\.0\.1:[0-9]+)")]
    private static partial Regex ListeningOn();
}
