using System.Net;

namespace Customers.Server.Tests;

public sealed class CredentialsTests(SharedService service) : IClassFixture<SharedService>
{
    private readonly HttpClient _client = service.CreateClient("API_KEY");

    [Fact]
    public async Task Seed_requests_answer_201_200_and_204_with_the_documented_bodies()
    {
        var customerId = await Api.CreateCustomerAsync(_client);
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        var created = await Api.CreateCredentialAsync(_client, customerId, "username@masmovil.com");
        Assert.Equal("username@masmovil.com", created.GetProperty("username").GetString());
        var credentialId = created.GetProperty("id").GetGuid();
        Assert.NotEqual(Guid.Empty, credentialId);
        var createdAt = created.GetProperty("created_at").GetDateTimeOffset();
        Assert.InRange(createdAt, before, DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(["created_at", "id", "username"], created.EnumerateObject().Select(p => p.Name).Order());

        using var list = await _client.GetAsync(Api.Credentials(customerId));
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        var listed = Assert.Single((await Api.ReadAsync(list)).GetProperty("credentials").EnumerateArray());
        Assert.Equal(credentialId, listed.GetProperty("id").GetGuid());
        Assert.Equal(createdAt, listed.GetProperty("created_at").GetDateTimeOffset());

        using var delete = await _client.DeleteAsync($"{Api.Credentials(customerId)}/{credentialId}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Empty(await delete.Content.ReadAsByteArrayAsync());
        Assert.Empty(await Api.UsernamesAsync(_client, customerId));
    }

    [Fact]
    public async Task Credentials_are_listed_oldest_first()
    {
        var customerId = await Api.CreateCustomerAsync(_client);
        var names = Enumerable.Range(0, 5).Select(i => $"user{i}-{Guid.NewGuid():N}@example.com").ToList();
        foreach (var name in names)
        {
            await Api.CreateCredentialAsync(_client, customerId, name);
        }

        Assert.Equal(names, await Api.UsernamesAsync(_client, customerId));
    }

    [Fact]
    public async Task A_username_is_unique_in_the_org_in_any_letter_case_and_across_customers()
    {
        var first = await Api.CreateCustomerAsync(_client);
        var second = await Api.CreateCustomerAsync(_client);
        var name = $"Alice-{Guid.NewGuid():N}@Example.com";
        await Api.CreateCredentialAsync(_client, first, name);

        foreach (var (customer, attempt) in new[] { (first, name), (second, name.ToUpperInvariant()), (second, name.ToLowerInvariant()) })
        {
            using var response = await _client.PostAsync(Api.Credentials(customer), Api.Json($$"""{"username":"{{attempt}}"}"""));
            await Api.AssertErrorAsync(response, HttpStatusCode.Conflict, "USERNAME_TAKEN", "body.username");
        }

        Assert.Equal([name], await Api.UsernamesAsync(_client, first));
        Assert.Empty(await Api.UsernamesAsync(_client, second));
    }

    [Fact]
    public async Task Full_width_letters_are_the_same_username_as_ascii()
    {
        var customerId = await Api.CreateCustomerAsync(_client);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        await Api.CreateCredentialAsync(_client, customerId, $"user{suffix}");

        using var response = await _client.PostAsync(Api.Credentials(customerId), Api.Json($$"""{"username":"ｕｓｅｒ{{suffix}}"}"""));

        await Api.AssertErrorAsync(response, HttpStatusCode.Conflict, "USERNAME_TAKEN");
    }

    [Fact]
    public async Task The_same_username_may_exist_in_two_orgs()
    {
        var name = $"shared-{Guid.NewGuid():N}@example.com";
        var inTelco = await Api.CreateCustomerAsync(_client, "telco");
        var inOther = await Api.CreateCustomerAsync(_client, "other-org");

        await Api.CreateCredentialAsync(_client, inTelco, name, "telco");
        await Api.CreateCredentialAsync(_client, inOther, name, "other-org");
    }

    [Fact]
    public async Task A_customer_of_another_org_does_not_exist_here()
    {
        var customerId = await Api.CreateCustomerAsync(_client, "org-a");
        await Api.CreateCredentialAsync(_client, customerId, $"private-{Guid.NewGuid():N}", "org-a");

        using var get = await _client.GetAsync($"{Api.Customers("org-b")}/{customerId}");
        await Api.AssertErrorAsync(get, HttpStatusCode.NotFound, "CUSTOMER_NOT_FOUND", "path.customer_id");
        using var list = await _client.GetAsync(Api.Credentials(customerId, "org-b"));
        await Api.AssertErrorAsync(list, HttpStatusCode.NotFound, "CUSTOMER_NOT_FOUND");
        using var create = await _client.PostAsync(Api.Credentials(customerId, "org-b"), Api.Json("""{"username":"intruder"}"""));
        await Api.AssertErrorAsync(create, HttpStatusCode.NotFound, "CUSTOMER_NOT_FOUND");
    }

    [Fact]
    public async Task Unknown_customer_answers_404_on_every_credential_operation()
    {
        var unknown = Guid.NewGuid();

        using var create = await _client.PostAsync(Api.Credentials(unknown), Api.Json("""{"username":"nobody@example.com"}"""));
        await Api.AssertErrorAsync(create, HttpStatusCode.NotFound, "CUSTOMER_NOT_FOUND", "path.customer_id");
        using var list = await _client.GetAsync(Api.Credentials(unknown));
        await Api.AssertErrorAsync(list, HttpStatusCode.NotFound, "CUSTOMER_NOT_FOUND", "path.customer_id");
        using var delete = await _client.DeleteAsync($"{Api.Credentials(unknown)}/{Guid.NewGuid()}");
        await Api.AssertErrorAsync(delete, HttpStatusCode.NotFound, "CUSTOMER_NOT_FOUND", "path.customer_id");
    }

    [Fact]
    public async Task Deleting_a_credential_of_another_customer_answers_404_and_keeps_it()
    {
        var owner = await Api.CreateCustomerAsync(_client);
        var other = await Api.CreateCustomerAsync(_client);
        var name = $"kept-{Guid.NewGuid():N}";
        var credentialId = (await Api.CreateCredentialAsync(_client, owner, name)).GetProperty("id").GetGuid();

        using var wrongCustomer = await _client.DeleteAsync($"{Api.Credentials(other)}/{credentialId}");
        await Api.AssertErrorAsync(wrongCustomer, HttpStatusCode.NotFound, "CREDENTIAL_NOT_FOUND", "path.credential_id");
        using var unknownCredential = await _client.DeleteAsync($"{Api.Credentials(owner)}/{Guid.NewGuid()}");
        await Api.AssertErrorAsync(unknownCredential, HttpStatusCode.NotFound, "CREDENTIAL_NOT_FOUND");

        Assert.Equal([name], await Api.UsernamesAsync(_client, owner));
    }

    [Fact]
    public async Task A_deleted_username_can_be_used_again()
    {
        var customerId = await Api.CreateCustomerAsync(_client);
        var name = $"again-{Guid.NewGuid():N}";
        var id = (await Api.CreateCredentialAsync(_client, customerId, name)).GetProperty("id").GetGuid();
        using var delete = await _client.DeleteAsync($"{Api.Credentials(customerId)}/{id}");
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);

        await Api.CreateCredentialAsync(_client, customerId, name.ToUpperInvariant());
    }

    [Fact]
    public async Task Customers_are_created_and_read_back()
    {
        using var create = await _client.PostAsync(Api.Customers(), Api.Json("""{"external_id":"CRM-000123"}"""));
        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        var id = (await Api.ReadAsync(create)).GetProperty("id").GetGuid();

        using var get = await _client.GetAsync($"{Api.Customers()}/{id}");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        var customer = await Api.ReadAsync(get);
        Assert.Equal(id, customer.GetProperty("id").GetGuid());
        Assert.Equal("CRM-000123", customer.GetProperty("external_id").GetString());
        Assert.True(customer.TryGetProperty("created_at", out _));

        var withoutExternalId = await Api.CreateCustomerAsync(_client);
        using var plain = await _client.GetAsync($"{Api.Customers()}/{withoutExternalId}");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await Api.ReadAsync(plain)).GetProperty("external_id").ValueKind);
    }

    [Fact]
    public async Task Every_response_carries_a_trace_id()
    {
        using var ok = await _client.GetAsync(Api.Credentials(await Api.CreateCustomerAsync(_client)));
        using var notFound = await _client.GetAsync(Api.Credentials(Guid.NewGuid()));

        Assert.Matches("^[0-9a-f]{32}$", ok.Headers.GetValues("x-trace-id").Single());
        Assert.Matches("^[0-9a-f]{32}$", notFound.Headers.GetValues("x-trace-id").Single());
    }

    [Fact]
    public async Task A_customer_at_the_credential_limit_gets_409_until_one_is_deleted()
    {
        await using var limited = new ServiceFactory(new() { ["Storage:MaxCredentialsPerCustomer"] = "2" });
        using var client = limited.CreateClient("API_KEY");
        var customerId = await Api.CreateCustomerAsync(client);
        var first = await Api.CreateCredentialAsync(client, customerId, "one@example.com");
        await Api.CreateCredentialAsync(client, customerId, "two@example.com");

        using var over = await client.PostAsync(Api.Credentials(customerId), Api.Json("""{"username":"three@example.com"}"""));
        var error = await Api.AssertErrorAsync(over, HttpStatusCode.Conflict, "CREDENTIAL_LIMIT_REACHED", "path.customer_id");
        Assert.Contains("2 credentials", error.GetProperty("message").GetString());

        using var deleted = await client.DeleteAsync($"{Api.Credentials(customerId)}/{first.GetProperty("id").GetGuid()}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await Api.CreateCredentialAsync(client, customerId, "three@example.com");
    }
}
