using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Customers.Server.Tests.Postgres;

namespace Customers.Server.Tests.Audit;

/// <summary>
/// The trail as a change feed on PostgreSQL: two instances of the service on one database, writers
/// on both at once, and a reader that pages behind them with the sequence of the last event it saw.
/// A sequence committed late would be skipped by such a reader; it must see every event exactly once.
/// </summary>
[Collection(PostgresCollection.Name)]
[Trait("Tier", "Slow")]
[Trait("Needs", "PostgreSQL")]
public sealed class ChangeFeedTests(SharedPostgres postgres)
{
    [SkippableFact]
    public async Task A_reader_paging_during_writes_on_two_instances_sees_every_event_exactly_once()
    {
        PostgresRequirement.SkipIfUnavailable();
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Postgres",
            ["ConnectionStrings:Postgres"] = await postgres.CreateDatabaseAsync(),
        };
        await using var first = new ServiceFactory(settings);
        await using var second = new ServiceFactory(settings);
        using var a = first.CreateClient("API_KEY");
        using var b = second.CreateClient("API_KEY");
        var customers = new[] { await Api.CreateCustomerAsync(a), await Api.CreateCustomerAsync(b) };

        var acknowledged = 2; // the customers
        // A fixed number, not a time: on a busy machine a time would test only a few.
        var writers = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            var client = i % 2 == 0 ? a : b;
            for (var n = 0; n < 12; n++)
            {
                using var response = await client.PostAsync(Api.Credentials(customers[i % 2]), Api.Json($$"""{"username":"feed-{{Guid.NewGuid():N}}@example.com"}"""));
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    Interlocked.Increment(ref acknowledged);
                }
            }
        })).ToList();

        var seen = new List<long>();
        var readerClient = first.CreateClient("API_KEY");
        var allWritten = Task.WhenAll(writers);
        string? after = null;
        while (true)
        {
            var done = allWritten.IsCompleted; // read before the page: a page after the last write then reads to the end
            var page = await AuditTrail.PageAsync(readerClient, Api.Org, after, 7);
            var events = page.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64()).ToList();
            seen.AddRange(events);
            if (events.Count > 0)
            {
                after = events[^1].ToString(CultureInfo.InvariantCulture);
            }

            if (page.GetProperty("next").ValueKind == System.Text.Json.JsonValueKind.Null && done)
            {
                break;
            }
        }

        await allWritten;
        Assert.True(acknowledged > 50, $"only {acknowledged} changes were made: the feed was hardly tested");
        Assert.Equal(seen.Distinct().Count(), seen.Count);
        Assert.Equal(Enumerable.Range(1, acknowledged).Select(i => (long)i), seen);
        Assert.True((await AuditTrail.VerifyAsync(readerClient)).GetProperty("verified").GetBoolean());
    }
}
