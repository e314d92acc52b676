using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Customers.Server.Tests;

/// <summary>Traces, per-operation metrics and JSON logs all carry what an operator needs to follow one request.</summary>
public sealed class TelemetryTests(SharedService service) : IClassFixture<SharedService>
{
    [Fact]
    public async Task A_request_traces_its_repository_call_under_the_trace_id_the_caller_sees()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Customers.Server.Storage" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        using var client = service.CreateClient("API_KEY");

        using var response = await client.GetAsync(Api.Credentials(Guid.NewGuid()));

        var traceId = response.Headers.GetValues("x-trace-id").Single();
        var trace = spans.Where(s => s.TraceId.ToString() == traceId).ToList();
        Assert.Contains(trace, s => s.Source.Name == "Customers.Server.Storage" && s.DisplayName == "sqlite read");
        Assert.Contains(trace, s => s.Source.Name == "Microsoft.AspNetCore" && (string?)s.GetTagItem("customers.operation") == "listCredentials");
    }

    [Fact]
    public async Task Request_duration_metrics_name_the_operation_and_the_status()
    {
        var measurements = new ConcurrentBag<Dictionary<string, object?>>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == "Microsoft.AspNetCore.Hosting" && instrument.Name == "http.server.request.duration")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) => measurements.Add(tags.ToArray().ToDictionary(t => t.Key, t => t.Value)));
        listener.Start();
        using var client = service.CreateClient("API_KEY");

        using var response = await client.GetAsync($"{Api.Customers()}/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains(measurements, tags => (string?)tags.GetValueOrDefault("customers.operation") == "getCustomer"
            && Convert.ToInt32(tags.GetValueOrDefault("http.response.status_code"), System.Globalization.CultureInfo.InvariantCulture) == 404);
    }

    [Fact]
    public async Task Json_console_logs_carry_the_trace_id_of_the_request()
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Directory.CreateTempSubdirectory("customers-logs-").FullName };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Customers.Server.dll"));
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["Logging__Console__FormatterName"] = "json";
        start.ArgumentList.Add("--Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics=Information");
        using var process = Process.Start(start)!;
        var lines = new ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await WaitUntilReadyAsync(http, process);
            using var request = new HttpRequestMessage(HttpMethod.Get, Api.Credentials(Guid.NewGuid()));
            request.Headers.Add("x-auth-roles", "API_KEY");
            using var response = await http.SendAsync(request);
            var traceId = response.Headers.GetValues("x-trace-id").Single();

            var found = false;
            for (var waited = Stopwatch.StartNew(); !found && waited.Elapsed < TimeSpan.FromSeconds(10); await Task.Delay(100))
            {
                found = lines.Any(line => line.StartsWith('{') && line.Contains(traceId, StringComparison.Ordinal)
                    && JsonDocument.Parse(line).RootElement.TryGetProperty("Scopes", out _));
            }

            Assert.True(found, $"No JSON log line with trace id {traceId}:\n{string.Join('\n', lines.Take(20))}");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
        }
    }

    private static async Task WaitUntilReadyAsync(HttpClient http, Process process)
    {
        for (var waited = Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(30); await Task.Delay(100))
        {
            Assert.False(process.HasExited, "The service exited before it was ready.");
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

        throw new TimeoutException("The service was not ready within 30 s.");
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
