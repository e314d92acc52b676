using System.Net.Http.Json;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters.Csv;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Customers.Client;
using Customers.Client.Models;
using Microsoft.Extensions.DependencyInjection;

namespace Customers.Bench;

/// <summary>
/// One GET of a customer's credentials from the same loopback server: the package's client (the
/// facade over the generated Refit interface, with its resilience pipeline, tracing and error
/// mapping) against the least a caller could write (HttpClient + a source-generated STJ context).
/// </summary>
[MemoryDiagnoser]
public class ListCredentialsCall
{
    private ServiceProvider? _provider;
    private ServiceProvider? _bareProvider;
    private CustomerCredentialsClient _client = null!;
    private CustomerCredentialsClient _clientWithoutResilience = null!;
    private HttpClient _http = null!;
    private Guid _customerId;
    private string _path = null!;

    [GlobalSetup]
    public void Setup()
    {
        var server = new Uri(Environment.GetEnvironmentVariable("BENCH_SERVER_URL")!);
        _customerId = Guid.Parse(Environment.GetEnvironmentVariable("BENCH_CUSTOMER_ID")!);
        _path = $"/v4/orgs/{Seeder.Org}/customers/{_customerId}/credentials";
        (_provider, _client) = BenchClients.Create(server);
        (_bareProvider, _clientWithoutResilience) = BenchClients.Create(server, withResilience: false);
        _http = new HttpClient { BaseAddress = server };
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _http.Dispose();
        _provider?.Dispose();
        _bareProvider?.Dispose();
    }

    [Benchmark(Baseline = true)]
    public async Task<int> HandWrittenHttpClient()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _path);
        request.Headers.Add("x-auth-roles", "API_KEY");
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        var list = await response.Content.ReadFromJsonAsync(HandWrittenJsonContext.Default.CredentialList);
        return list!.Credentials.Count;
    }

    [Benchmark]
    public async Task<int> CustomersClient() => (await _client.ListCredentialsAsync(Seeder.Org, _customerId)).Count;

    /// <summary>Not a product configuration: shows how much of the client's cost is the resilience pipeline.</summary>
    [Benchmark]
    public async Task<int> CustomersClientWithoutResilience() => (await _clientWithoutResilience.ListCredentialsAsync(Seeder.Org, _customerId)).Count;
}

[JsonSerializable(typeof(CredentialList))]
internal sealed partial class HandWrittenJsonContext : JsonSerializerContext;

public static class ClientBenchmarks
{
    public static int Run(Uri server, string customerId, string artifacts, bool quick)
    {
        Environment.SetEnvironmentVariable("BENCH_SERVER_URL", server.ToString());
        Environment.SetEnvironmentVariable("BENCH_CUSTOMER_ID", customerId);
        var job = (quick ? Job.Dry.WithIterationCount(1) : Job.Default.WithWarmupCount(3).WithIterationCount(15))
            .WithToolchain(InProcessEmitToolchain.Instance);
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddExporter(CsvExporter.Default)
            .AddLogger(ConsoleLogger.Default)
            .WithArtifactsPath(artifacts);
        var summary = BenchmarkRunner.Run<ListCredentialsCall>(config);
        return summary.HasCriticalValidationErrors || summary.Reports.Any(r => !r.Success) ? 1 : 0;
    }
}
