using System.Net;
using System.Text.Json;

namespace Customers.Server.Tests.Erasure;

/// <summary>What eraseCustomer promises, as one scenario that runs against each provider.</summary>
public static class ErasureScenario
{
    /// <summary>
    /// The contract's promises of eraseCustomer, end to end: 204, then 404 everywhere; the usernames
    /// taken again by another customer; a createCredential replayed with its key is 404 and a
    /// createCustomer replayed with its key answers its first 201, and neither creates anything.
    /// </summary>
    public static async Task EraseAndReplayAsync(HttpClient client)
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var customerKey = $"customer-{suffix}";
        var credentialKey = $"credential-{suffix}";
        var customerId = await PostAsync(client, Api.Customers(), """{"external_id":"CRM-erase"}""", customerKey);
        var body = JsonSerializer.Serialize(new { username = $"erased.{suffix}@example.com" });
        await PostAsync(client, Api.Credentials(customerId), body, credentialKey);
        await Api.CreateCredentialAsync(client, customerId, $"second.{suffix}@example.com");

        using (var erased = await client.DeleteAsync(Customer(customerId)))
        {
            Assert.Equal(HttpStatusCode.NoContent, erased.StatusCode);
            Assert.True(erased.Headers.Contains("x-trace-id"));
        }

        foreach (var (method, uri) in new[] { (HttpMethod.Delete, Customer(customerId)), (HttpMethod.Get, Customer(customerId)), (HttpMethod.Get, Api.Credentials(customerId)) })
        {
            using var gone = await client.SendAsync(new HttpRequestMessage(method, uri));
            await Api.AssertErrorAsync(gone, HttpStatusCode.NotFound, "CUSTOMER_NOT_FOUND");
        }

        using (var replayedCredential = await SendAsync(client, Api.Credentials(customerId), body, credentialKey))
        {
            await Api.AssertErrorAsync(replayedCredential, HttpStatusCode.NotFound, "CUSTOMER_NOT_FOUND");
        }

        Assert.Equal(customerId, await PostAsync(client, Api.Customers(), """{"external_id":"CRM-erase"}""", customerKey));
        using (var stillGone = await client.GetAsync(Customer(customerId)))
        {
            await Api.AssertErrorAsync(stillGone, HttpStatusCode.NotFound, "CUSTOMER_NOT_FOUND");
        }

        var newcomer = await Api.CreateCustomerAsync(client);
        await Api.CreateCredentialAsync(client, newcomer, $"ERASED.{suffix}@example.com");
        await Api.CreateCredentialAsync(client, newcomer, $"second.{suffix}@example.com");
        Assert.Equal(2, (await Api.UsernamesAsync(client, newcomer)).Count);
    }

    private static string Customer(Guid customerId) => $"{Api.Customers()}/{customerId}";

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string uri, string json, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = Api.Json(json) };
        request.Headers.Add("Idempotency-Key", key);
        return await client.SendAsync(request);
    }

    private static async Task<Guid> PostAsync(HttpClient client, string uri, string json, string key)
    {
        using var response = await SendAsync(client, uri, json, key);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await Api.ReadAsync(response)).GetProperty("id").GetGuid();
    }
}
