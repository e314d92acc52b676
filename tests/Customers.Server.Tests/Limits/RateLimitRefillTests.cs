using System.Net;
using Customers.Server.Tests.Processes;

namespace Customers.Server.Tests.Limits;

/// <summary>Over real HTTP, with real time: an emptied bucket refills at its rate, and Retry-After says when.</summary>
public sealed class RateLimitRefillTests
{
    [Fact]
    public async Task An_emptied_bucket_lets_writes_through_again_after_retry_after()
    {
        await using var service = await ServiceProcess.StartAsync(Directory.CreateTempSubdirectory("customers-refill-").FullName, new Dictionary<string, string>
        {
            ["Limits__Organization__WritesPerSecond"] = "5",
            ["Limits__Organization__WritesBurst"] = "5",
        });
        using var client = service.CreateClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++)
        {
            using var response = await client.PostAsync(Api.Customers("refill"), Api.Json("{}"));
            statuses.Add(response.StatusCode);
        }

        using var refused = await client.PostAsync(Api.Customers("refill"), Api.Json("{}"));
        var retryAfter = TimeSpan.FromSeconds(int.Parse(Assert.Single(refused.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture));
        await Task.Delay(retryAfter);
        using var after = await client.PostAsync(Api.Customers("refill"), Api.Json("{}"));

        // Eight sent faster than 5 a second: the burst of 5 passes, and a token or two may come back meanwhile.
        Assert.InRange(statuses.Count(s => s == HttpStatusCode.Created), 5, 7);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), retryAfter); // one token comes every 200 ms: rounded up to a second
        Assert.Equal(HttpStatusCode.Created, after.StatusCode);
    }
}
