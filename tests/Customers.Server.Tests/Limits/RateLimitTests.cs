using System.Net;
using Customers.Server.Tests.Reliability;

namespace Customers.Server.Tests.Limits;

/// <summary>
/// Each organization's reads and writes are token buckets: past one, every operation answers 429
/// RATE_LIMITED with Retry-After and the draft's RateLimit fields, before anything is done, and
/// another organization is untouched. A rate of 0.01 per second refills nothing within a test.
/// </summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private const int Burst = 3;
    private readonly ServiceFactory _service = new(new()
    {
        ["Limits:Organization:ReadsPerSecond"] = "0.01",
        ["Limits:Organization:ReadsBurst"] = Burst.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Limits:Organization:WritesPerSecond"] = "0.01",
        ["Limits:Organization:WritesBurst"] = Burst.ToString(System.Globalization.CultureInfo.InvariantCulture),
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _service.DisposeAsync();

    [Theory]
    [MemberData(nameof(EveryOperationTests.Operations), MemberType = typeof(EveryOperationTests))]
    public async Task Past_its_bucket_every_operation_answers_429_with_the_limit_and_does_nothing(string operationId)
    {
        var org = $"rate-{operationId.ToLowerInvariant()}";
        using var client = _service.CreateClient("API_KEY");
        var customer = await Api.CreateCustomerAsync(client, org);
        var credential = (await Api.CreateCredentialAsync(client, customer, $"{operationId}@example.com", org)).GetProperty("id").GetGuid();
        var write = EveryOperationTests.RequestFor(operationId, customer, credential, org).Method != HttpMethod.Get;

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < Burst + 1 && refused is null; i++)
        {
            var response = await client.SendAsync(EveryOperationTests.RequestFor(operationId, customer, credential, org));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused = response;
            }
            else
            {
                response.Dispose();
            }
        }

        Assert.NotNull(refused);
        using (refused)
        {
            // The setup's two writes came out of the same bucket as the operation's writes.
            Assert.Equal(write ? Burst - 2 : Burst, statuses.Count(s => s != HttpStatusCode.TooManyRequests));
            var before = StoreSnapshot.Read(_service.DatabasePath);
            var error = await Api.AssertErrorAsync(refused, HttpStatusCode.TooManyRequests, "RATE_LIMITED", "path.org_id");
            var kind = write ? "writes" : "reads";
            Assert.Contains($"sent more {kind} than its rate of 0.01 per second allows", error.GetProperty("message").GetString());
            Assert.True(int.Parse(Assert.Single(refused.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture) >= 1);
            Assert.Equal($"\"{kind}\";q={Burst};w=300", Assert.Single(refused.Headers.GetValues("RateLimit-Policy")));
            Assert.Matches($"^\"{kind}\";r=0;t=[1-9][0-9]*$", Assert.Single(refused.Headers.GetValues("RateLimit")));
            using var again = await client.SendAsync(EveryOperationTests.RequestFor(operationId, customer, credential, org));
            Assert.Equal(HttpStatusCode.TooManyRequests, again.StatusCode);
            Assert.Equal(before, StoreSnapshot.Read(_service.DatabasePath));
        }
    }

    [Fact]
    public async Task One_organizations_flood_leaves_another_untouched()
    {
        using var client = _service.CreateClient("API_KEY");
        for (var i = 0; i < Burst; i++)
        {
            await Api.CreateCustomerAsync(client, "noisy");
        }

        using var refused = await client.PostAsync(Api.Customers("noisy"), Api.Json("{}"));
        var quiet = await Api.CreateCustomerAsync(client, "quiet");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        using var read = await client.GetAsync($"{Api.Customers("quiet")}/{quiet}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Fact]
    public async Task Reads_and_writes_have_buckets_of_their_own()
    {
        using var client = _service.CreateClient("API_KEY");
        var customer = await Api.CreateCustomerAsync(client, "split");
        for (var i = 1; i < Burst; i++)
        {
            await Api.CreateCustomerAsync(client, "split");
        }

        using var write = await client.PostAsync(Api.Customers("split"), Api.Json("{}"));
        using var read = await client.GetAsync($"{Api.Customers("split")}/{customer}");

        Assert.Equal(HttpStatusCode.TooManyRequests, write.StatusCode);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Fact]
    public async Task A_caller_without_a_grant_spends_nothing_of_the_organizations_rate()
    {
        using var stranger = _service.CreateClient(roles: null);
        for (var i = 0; i < Burst * 2; i++)
        {
            using var refused = await stranger.PostAsync(Api.Customers("guarded"), Api.Json("{}"));
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using var client = _service.CreateClient("API_KEY");
        await Api.CreateCustomerAsync(client, "guarded");
    }
}
