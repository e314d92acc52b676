using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace Customers.Client.Consumer.Tests;

/// <summary>The built service as its own process on Kestrel at 127.0.0.1, on a temporary SQLite file.</summary>
public sealed class RunningService : IAsyncLifetime
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("customers-consumer-").FullName;
    private Process? _process;

    public Uri BaseAddress { get; } = new($"http://127.0.0.1:{FreePort()}/");

    public async Task InitializeAsync()
    {
        var server = typeof(RunningService).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ServerAssembly").Value!;
        if (!File.Exists(server))
        {
            throw new InvalidOperationException($"Build the service first: {server} does not exist.");
        }

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _dataDirectory };
        foreach (var argument in new[] { server, "--urls", BaseAddress.ToString().TrimEnd('/'), "--ConnectionStrings:Sqlite", $"Data Source={Path.Combine(_dataDirectory, "customers.db")}" })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = BaseAddress };
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(30))
        {
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

            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The service exited with {_process.ExitCode} before it was ready.");
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
