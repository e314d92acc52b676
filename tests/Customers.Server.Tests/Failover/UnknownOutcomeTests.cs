using System.Net;
using Customers.Server.Tests.Postgres;
using Customers.Server.Tests.Reliability;
using Xunit.Abstractions;

namespace Customers.Server.Tests.Failover;

/// <summary>
/// A create whose COMMIT is in flight when the deadline passes: the primary has the row, the
/// synchronous standby (frozen) never confirmed it, and the caller cannot know which it was.
/// </summary>
[Collection(FailoverCollection.Name)]
public sealed class UnknownOutcomeTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task A_create_that_timed_out_mid_commit_sent_again_with_its_key_gives_one_credential()
    {
        PostgresRequirement.SkipIfUnavailable();
        await using var shape = await FailoverShape.StartAsync();
        using var client = shape.Service.CreateClient();
        var customerId = await Api.CreateCustomerAsync(client);

        shape.Standby.Freeze(); // the primary's COMMIT now waits for a confirmation that does not come
        HttpResponseMessage first;
        try
        {
            first = await client.SendAsync(Create(customerId));
        }
        finally
        {
            shape.Standby.Thaw();
        }

        var firstBody = await first.Content.ReadAsStringAsync();
        using var again = await client.SendAsync(Create(customerId));
        using var withoutKey = await client.PostAsync(Api.Credentials(customerId), Api.Json("""{"username":"in.flight@example.com"}"""));
        var stored = await Api.UsernamesAsync(client, customerId);
        Figures.Report(output, "unknown outcome", $"a create with its COMMIT in flight answered {(int)first.StatusCode} {firstBody}; " +
            $"sent again with its key: {(int)again.StatusCode}; without the key: {(int)withoutKey.StatusCode}; {stored.Count} credential stored");

        Assert.Contains(first.StatusCode, new[] { HttpStatusCode.ServiceUnavailable, HttpStatusCode.GatewayTimeout });
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(["in.flight@example.com"], stored);
        await Api.AssertErrorAsync(withoutKey, HttpStatusCode.Conflict, "USERNAME_TAKEN");
        first.Dispose();
    }

    private static HttpRequestMessage Create(Guid customerId)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Api.Credentials(customerId)) { Content = Api.Json("""{"username":"in.flight@example.com"}""") };
        request.Headers.Add("Idempotency-Key", "commit-in-flight");
        return request;
    }
}
