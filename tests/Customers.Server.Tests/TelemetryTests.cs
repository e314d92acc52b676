using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json;
using Customers.Server.Tests.Processes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

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
        bool Traced(Func<Activity, bool> span) => spans.Any(s => s.TraceId.ToString() == traceId && span(s));
        // The request's own span stops after the client has the response: wait for it.
        await EventuallyAsync(() => Traced(s => s.Source.Name == "Microsoft.AspNetCore"));
        Assert.True(Traced(s => s.Source.Name == "Customers.Server.Storage" && s.DisplayName == "sqlite read"), "No SQLite span in the request's trace.");
        Assert.True(Traced(s => s.Source.Name == "Microsoft.AspNetCore" && (string?)s.GetTagItem("customers.operation") == "listCredentials"),
            "The request's span has no customers.operation tag.");
    }

    [Fact]
    public async Task Request_duration_metrics_name_the_operation_and_the_status()
    {
        var measurements = new ConcurrentBag<Dictionary<string, object?>>();
        var meters = service.Services.GetRequiredService<IMeterFactory>(); // This service's meters, not another test's host.
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Scope == meters && instrument.Meter.Name == "Microsoft.AspNetCore.Hosting" && instrument.Name == "http.server.request.duration")
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
        // Recorded when the request ends, after the client has the response: wait for it.
        await EventuallyAsync(() => measurements.Any(tags => (string?)tags.GetValueOrDefault("customers.operation") == "getCustomer"
            && Convert.ToInt32(tags.GetValueOrDefault("http.response.status_code"), System.Globalization.CultureInfo.InvariantCulture) == 404));
    }

    [Fact]
    [Trait("Tier", "Slow")]
    [Trait("Needs", "Processes")]
    public async Task Json_console_logs_carry_the_trace_id_of_the_request()
    {
        await using var process = await ServiceProcess.StartAsync(Directory.CreateTempSubdirectory("customers-logs-").FullName, new Dictionary<string, string>
        {
            ["Logging__Console__FormatterName"] = "json",
            ["Logging__LogLevel__Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information",
        });
        using var http = process.CreateClient();

        using var response = await http.GetAsync(Api.Credentials(Guid.NewGuid()));

        var traceId = response.Headers.GetValues("x-trace-id").Single();
        var found = false;
        for (var waited = Stopwatch.StartNew(); !found && waited.Elapsed < TimeSpan.FromSeconds(10); await Task.Delay(100))
        {
            found = process.Output.Any(line => line.StartsWith('{') && line.Contains(traceId, StringComparison.Ordinal)
                && JsonDocument.Parse(line).RootElement.TryGetProperty("Scopes", out _));
        }

        Assert.True(found, $"No JSON log line with trace id {traceId}:\n{string.Join('\n', process.Output.Take(20))}");
    }

    [Fact]
    [Trait("Tier", "Slow")]
    [Trait("Needs", "Processes")]
    public async Task With_an_otlp_endpoint_traces_and_metrics_are_exported()
    {
        var received = new ConcurrentQueue<string>();
        var collectorPort = FreePort.Next();
        var collectorBuilder = WebApplication.CreateSlimBuilder();
        collectorBuilder.WebHost.UseUrls($"http://127.0.0.1:{collectorPort}");
        await using var collector = collectorBuilder.Build();
        collector.MapPost("/v1/{signal}", (string signal) =>
        {
            received.Enqueue(signal);
            return Results.Ok();
        });
        await collector.StartAsync();
        await using var process = await ServiceProcess.StartAsync(Directory.CreateTempSubdirectory("customers-otlp-").FullName, new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{collectorPort}",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        });
        using var http = process.CreateClient();

        using var response = await http.GetAsync(Api.Credentials(Guid.NewGuid()));

        for (var waited = Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(20) && !(received.Contains("traces") && received.Contains("metrics")); await Task.Delay(100))
        {
        }

        Assert.Contains("traces", received);
        Assert.Contains("metrics", received);
    }

    private static async Task EventuallyAsync(Func<bool> condition)
    {
        for (var waited = Stopwatch.StartNew(); !condition(); await Task.Delay(20))
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(5), "Not seen within 5 s.");
        }
    }
}
