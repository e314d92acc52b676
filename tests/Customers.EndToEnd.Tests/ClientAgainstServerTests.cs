using Customers.Client;

namespace Customers.EndToEnd.Tests;

public sealed class ClientAgainstServerTests(ServiceWithClient service) : IClassFixture<ServiceWithClient>
{
    private const string Org = "telco";
    private readonly CustomerCredentialsClient _client = service.CreateCredentialsClient();

    [Fact]
    public async Task A_credential_is_created_listed_and_deleted_through_the_client()
    {
        var customer = await _client.CreateCustomerAsync(Org, "CRM-42");
        var username = $"client-{Guid.NewGuid():N}@example.com";

        var created = await _client.CreateCredentialAsync(Org, customer.Id, username);
        var listed = await _client.ListCredentialsAsync(Org, customer.Id);
        await _client.DeleteCredentialAsync(Org, customer.Id, created.Id);
        var afterDelete = await _client.ListCredentialsAsync(Org, customer.Id);

        Assert.Equal(username, created.Username);
        var only = Assert.Single(listed);
        Assert.Equal(created.Id, only.Id);
        Assert.Equal(created.CreatedAt, only.CreatedAt);
        Assert.Empty(afterDelete);
    }

    [Fact]
    public async Task A_customer_is_read_back_with_its_external_id()
    {
        var created = await _client.CreateCustomerAsync(Org, "CRM-7");

        var customer = await _client.GetCustomerAsync(Org, created.Id);

        Assert.Equal(created.Id, customer.Id);
        Assert.Equal("CRM-7", customer.ExternalId);
    }

    [Fact]
    public async Task A_taken_username_raises_409_with_its_code_and_the_service_trace_id()
    {
        var customer = await _client.CreateCustomerAsync(Org);
        var username = $"taken-{Guid.NewGuid():N}@example.com";
        await _client.CreateCredentialAsync(Org, customer.Id, username);

        var failure = await Assert.ThrowsAsync<CustomerCredentialsException>(() => _client.CreateCredentialAsync(Org, customer.Id, username.ToUpperInvariant()));

        Assert.Equal(409, failure.Status);
        Assert.Equal("USERNAME_TAKEN", failure.ErrorCode);
        Assert.Equal("body.username", Assert.Single(failure.Errors).Ref);
        Assert.Matches("^[0-9a-f]{32}$", failure.TraceId);
    }

    [Fact]
    public async Task Not_found_errors_carry_the_codes_of_the_contract()
    {
        var customer = await _client.CreateCustomerAsync(Org);

        var noCustomer = await Assert.ThrowsAsync<CustomerCredentialsException>(() => _client.ListCredentialsAsync(Org, Guid.NewGuid()));
        var noCredential = await Assert.ThrowsAsync<CustomerCredentialsException>(() => _client.DeleteCredentialAsync(Org, customer.Id, Guid.NewGuid()));

        Assert.Equal((404, "CUSTOMER_NOT_FOUND"), (noCustomer.Status, noCustomer.ErrorCode));
        Assert.Equal((404, "CREDENTIAL_NOT_FOUND"), (noCredential.Status, noCredential.ErrorCode));
    }

    [Fact]
    public async Task Validation_errors_reach_the_caller_with_the_field_and_the_rule()
    {
        var customer = await _client.CreateCustomerAsync(Org);

        var failure = await Assert.ThrowsAsync<CustomerCredentialsException>(() => _client.CreateCredentialAsync(Org, customer.Id, new string('x', 83)));

        Assert.Equal(400, failure.Status);
        Assert.Equal("FIELD_TOO_LONG", failure.ErrorCode);
        Assert.Contains("82", failure.ErrorMessage);
    }

    [Fact]
    public async Task The_roles_from_the_options_are_sent_on_every_call()
    {
        var stranger = service.CreateCredentialsClient(roles: "SOMEONE_ELSE");

        var failure = await Assert.ThrowsAsync<CustomerCredentialsException>(() => stranger.CreateCustomerAsync(Org));

        Assert.Equal(403, failure.Status);
        Assert.Equal("ROLE_NOT_PERMITTED", failure.ErrorCode);
        Assert.Contains("SOMEONE_ELSE", failure.ErrorMessage);
    }
}
