using System.Diagnostics;
using System.Text.Json;
using CsCheck;
using Customers.Server.Tests.Processes;
using Xunit.Abstractions;

namespace Customers.Server.Tests.Reliability;

/// <summary>
/// Hundreds of generated malformed requests across every operation: each gets a documented 4xx with
/// an ErrorResponse (the validating handler checks status, schema and leaks), none a 5xx or a hang,
/// and the store is byte for byte what it was. HOSTILE_SEED replays a run; HOSTILE_COUNT sizes it.
/// </summary>
[Collection(ProcessTests.Name)]
[Trait("Tier", "Slow")]
[Trait("Needs", "Processes")]
public sealed class HostileInputTests(ITestOutputHelper output)
{
    /// <summary>In memory (TestServer), and as the deployed process on Kestrel, whose own parsing of headers and paths comes first.</summary>
    [Theory]
    [InlineData("TestServer")]
    [InlineData("Kestrel")]
    public async Task Malformed_requests_get_a_documented_4xx_and_change_nothing(string host)
    {
        var seed = Environment.GetEnvironmentVariable("HOSTILE_SEED") is { Length: > 0 } replay ? ulong.Parse(replay) : (ulong)Random.Shared.NextInt64();
        var count = int.TryParse(Environment.GetEnvironmentVariable("HOSTILE_COUNT"), out var configured) ? Math.Max(configured, 500) : 600;
        await using var service = await HostileTarget.StartAsync(host);
        using var setup = service.CreateClient("API_KEY");
        var customerId = await Api.CreateCustomerAsync(setup);
        var credential = await Api.CreateCredentialAsync(setup, customerId, "alice@example.com");
        using var client = service.CreateClient(roles: null); // Each hostile request brings its own roles, or none.
        client.Timeout = TimeSpan.FromSeconds(10); // "Never a hang."
        var credentialId = credential.GetProperty("id").GetGuid();
        var before = StoreSnapshot.Read(service.DatabasePath);

        var requests = new HostileRequests(Api.Org, customerId, credentialId, "alice@example.com").Any().Array[count].Generate(new PCG(1, seed), null!, out _);
        var statuses = new SortedDictionary<int, int>();
        var byHttpServer = new SortedDictionary<string, int>(); // refused by Kestrel itself: no body, no x-trace-id
        var clock = Stopwatch.StartNew();
        foreach (var hostile in requests)
        {
            using var message = hostile.ToMessage();
            HttpResponseMessage response;
            try
            {
                response = await client.SendAsync(message);
            }
            catch (Exception exception)
            {
                throw new Xunit.Sdk.XunitException($"{host}, seed {seed}: {hostile} failed: {exception.Message}");
            }

            using (response)
            {
                var status = (int)response.StatusCode;
                statuses[status] = statuses.GetValueOrDefault(status) + 1;
                var text = await response.Content.ReadAsStringAsync();
                Assert.True(status is >= 400 and < 500, $"{host}, seed {seed}: {hostile} answered {status}: {text}");
                if (!response.Headers.Contains("x-trace-id"))
                {
                    byHttpServer[$"{status} {hostile.Defect}"] = byHttpServer.GetValueOrDefault($"{status} {hostile.Defect}") + 1;
                }
                else if (status != 405)
                {
                    var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
                    Assert.True(errors.GetArrayLength() > 0, $"{host}, seed {seed}: {hostile} answered {status} without errors: {text}");
                }
            }
        }

        var after = StoreSnapshot.Read(service.DatabasePath);
        Figures.Report(output, $"{nameof(HostileInputTests)} on {host}", $"seed {seed}: {requests.Length} malformed requests in {clock.Elapsed.TotalSeconds:F1} s; " +
            $"statuses {string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}"))}; answered by the HTTP server itself: " +
            $"{(byHttpServer.Count == 0 ? "none" : string.Join(", ", byHttpServer.Select(s => $"{s.Key} ×{s.Value}")))}; store unchanged: {before == after}");
        Assert.Equal(before, after);
    }
}
