using System.Net;
using Customers.Server.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Customers.Server.Tests;

/// <summary>Idempotency-Key over raw HTTP on the embedded default (the PostgreSQL suite repeats it across instances).</summary>
public sealed class IdempotencyTests(SharedService service) : IClassFixture<SharedService>
{
    private readonly HttpClient _client = service.CreateClient("API_KEY");
    private readonly IServiceProvider _services = service.Services;

    [Fact]
    public async Task The_same_key_and_body_replay_the_first_201_and_create_nothing()
    {
        var customerId = await Api.CreateCustomerAsync(_client);
        var key = Guid.NewGuid().ToString();

        using var first = await PostCredentialAsync(customerId, "replayed@example.com", key);
        using var second = await PostCredentialAsync(customerId, "replayed@example.com", key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(["replayed@example.com"], await Api.UsernamesAsync(_client, customerId));
    }

    [Fact]
    public async Task A_replay_answers_the_first_201_even_after_the_credential_was_deleted()
    {
        var customerId = await Api.CreateCustomerAsync(_client);
        var key = Guid.NewGuid().ToString();
        using var first = await PostCredentialAsync(customerId, "gone@example.com", key);
        var id = (await Api.ReadAsync(first)).GetProperty("id").GetGuid();
        using var delete = await _client.DeleteAsync($"{Api.Credentials(customerId)}/{id}");

        using var replay = await PostCredentialAsync(customerId, "gone@example.com", key);

        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal(id, (await Api.ReadAsync(replay)).GetProperty("id").GetGuid());
        Assert.Empty(await Api.UsernamesAsync(_client, customerId));
    }

    [Fact]
    public async Task The_same_key_with_another_body_answers_409_and_creates_nothing()
    {
        var customerId = await Api.CreateCustomerAsync(_client);
        var key = Guid.NewGuid().ToString();
        using var first = await PostCredentialAsync(customerId, "first@example.com", key);

        using var second = await PostCredentialAsync(customerId, "second@example.com", key);

        await Api.AssertErrorAsync(second, HttpStatusCode.Conflict, "IDEMPOTENCY_KEY_REUSED", "header.idempotency-key");
        Assert.Equal(["first@example.com"], await Api.UsernamesAsync(_client, customerId));
    }

    [Fact]
    public async Task The_same_key_on_another_customer_is_another_request()
    {
        var one = await Api.CreateCustomerAsync(_client);
        var two = await Api.CreateCustomerAsync(_client);
        var key = Guid.NewGuid().ToString();
        using var first = await PostCredentialAsync(one, $"{key}@example.com", key);

        using var second = await PostCredentialAsync(two, $"{key}@example.com", key);

        await Api.AssertErrorAsync(second, HttpStatusCode.Conflict, "IDEMPOTENCY_KEY_REUSED");
    }

    [Fact]
    public async Task Customer_creation_is_idempotent_too()
    {
        var key = Guid.NewGuid().ToString();
        var ids = new List<Guid>();
        for (var attempt = 0; attempt < 2; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Api.Customers()) { Content = Api.Json("""{"external_id":"CRM-IDEM"}""") };
            request.Headers.Add("Idempotency-Key", key);
            using var response = await _client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            ids.Add((await Api.ReadAsync(response)).GetProperty("id").GetGuid());
        }

        Assert.Single(ids.Distinct());
    }

    [Fact]
    public async Task A_customer_key_reused_with_another_body_answers_409()
    {
        var key = Guid.NewGuid().ToString();
        HttpRequestMessage Create(string externalId)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, Api.Customers()) { Content = Api.Json($$"""{"external_id":"{{externalId}}"}""") };
            request.Headers.Add("Idempotency-Key", key);
            return request;
        }

        using var first = await _client.SendAsync(Create("CRM-FIRST"));
        using var second = await _client.SendAsync(Create("CRM-SECOND"));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        await Api.AssertErrorAsync(second, HttpStatusCode.Conflict, "IDEMPOTENCY_KEY_REUSED", "header.idempotency-key");
    }

    [Fact]
    public async Task A_malformed_key_answers_400_naming_the_header()
    {
        var customerId = await Api.CreateCustomerAsync(_client);

        using var response = await PostCredentialAsync(customerId, "malformed@example.com", "has space");

        await Api.AssertErrorAsync(response, HttpStatusCode.BadRequest, "INVALID_PARAMETER", "header.idempotency-key");
    }

    [Fact]
    public async Task A_key_longer_than_128_characters_answers_400()
    {
        var customerId = await Api.CreateCustomerAsync(_client);

        using var response = await PostCredentialAsync(customerId, "long@example.com", new string('k', 129));

        await Api.AssertErrorAsync(response, HttpStatusCode.BadRequest, "INVALID_PARAMETER", "header.idempotency-key");
    }

    [Fact]
    public async Task A_retry_with_the_customer_id_in_upper_case_is_the_same_request()
    {
        var customerId = await Api.CreateCustomerAsync(_client);
        var key = Guid.NewGuid().ToString();
        using var first = await PostCredentialAsync(customerId, "cased@example.com", key);

        using var retry = await PostCredentialAsync(customerId, "cased@example.com", key, Api.Credentials(customerId).Replace(customerId.ToString(), customerId.ToString().ToUpperInvariant(), StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal((await Api.ReadAsync(first)).GetProperty("id").GetGuid(), (await Api.ReadAsync(retry)).GetProperty("id").GetGuid());
        Assert.Equal(["cased@example.com"], await Api.UsernamesAsync(_client, customerId));
    }

    [Fact]
    public async Task A_key_stored_before_the_endpoints_redesign_still_replays()
    {
        // The MVC filter fingerprinted these parts, sorted by name, as "name=value"; records it stored must keep replaying.
        var customerId = await Api.CreateCustomerAsync(_client);
        var key = Guid.NewGuid().ToString();
        const string username = "stored.before.upgrade";
        var fingerprint = _services.GetRequiredService<IdempotencyFingerprints>().For(
            key, "createCredential", $$"""body={"username":"{{username}}"}""", $"customer_id={customerId}", $"org_id={Api.Org}");
        var stored = await _services.GetRequiredService<ICustomerStore>().CreateCredentialAsync(Api.Org, customerId, username, fingerprint, default);

        using var retry = await PostCredentialAsync(customerId, username, key);

        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(stored.Credential!.Id, (await Api.ReadAsync(retry)).GetProperty("id").GetGuid());
        Assert.Equal([username], await Api.UsernamesAsync(_client, customerId));
    }

    private Task<HttpResponseMessage> PostCredentialAsync(Guid customerId, string username, string key, string? path = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path ?? Api.Credentials(customerId)) { Content = Api.Json($$"""{"username":"{{username}}"}""") };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return _client.SendAsync(request);
    }
}
