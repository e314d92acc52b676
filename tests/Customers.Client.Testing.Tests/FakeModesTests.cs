namespace Customers.Client.Testing.Tests;

/// <summary>The fake in JWT mode (its own tokens, or a callback) and with organization limits, as a team's client meets them.</summary>
public sealed class FakeModesTests
{
    [Fact]
    public async Task In_jwt_mode_an_expired_token_is_refreshed_by_the_client_and_the_call_succeeds()
    {
        using var fake = FakeCustomersService.Start(new FakeCustomersServiceOptions { JwtMode = true });
        var token = fake.IssueToken("API_KEY");
        var client = fake.CreateClient(roles: "", o =>
        {
            o.AccessTokenSource = _ => ValueTask.FromResult(token);
            o.AccessTokenRefused = (refused, _) =>
            {
                token = fake.IssueToken("API_KEY"); // the identity provider's next token
                return ValueTask.CompletedTask;
            };
        });
        var customer = await client.CreateCustomerAsync("telco");
        var first = token;

        fake.RevokeToken(first); // it expires
        var credentials = await client.ListCredentialsAsync("telco", customer.Id);

        Assert.Empty(credentials);
        Assert.NotEqual(first, token);
        Assert.Equal([201, 401, 200], fake.ReceivedRequests.Select(r => r.Status));
    }

    [Fact]
    public async Task In_jwt_mode_roles_without_a_token_are_401_missing_token()
    {
        using var fake = FakeCustomersService.Start(new FakeCustomersServiceOptions { JwtMode = true });

        var failure = await Assert.ThrowsAsync<CustomerCredentialsException>(() => fake.CreateClient("API_KEY").CreateCustomerAsync("telco"));

        Assert.Equal((401, CustomerCredentialsErrorCodes.MissingToken), (failure.Status, failure.ErrorCode));
    }

    [Fact]
    public async Task A_token_callback_decides_the_roles_and_the_permitted_roles_still_apply()
    {
        using var fake = FakeCustomersService.Start(new FakeCustomersServiceOptions
        {
            AccessTokenRoles = token => token switch { "writer" => ["API_KEY"], "reader" => ["READER"], _ => null },
        });
        CustomerCredentialsClient With(string token) => fake.CreateClient("", o => (o.AccessTokenSource, o.MaxRetryAttempts) = (_ => ValueTask.FromResult(token), 0));

        await With("writer").CreateCustomerAsync("telco");
        var forbidden = await Assert.ThrowsAsync<CustomerCredentialsException>(() => With("reader").CreateCustomerAsync("telco"));
        var invalid = await Assert.ThrowsAsync<CustomerCredentialsException>(() => With("forged").CreateCustomerAsync("telco"));

        Assert.Equal((403, CustomerCredentialsErrorCodes.RoleNotPermitted), (forbidden.Status, forbidden.ErrorCode));
        Assert.Equal((401, CustomerCredentialsErrorCodes.InvalidToken), (invalid.Status, invalid.ErrorCode));
    }

    [Fact]
    public async Task An_organization_at_its_customer_limit_gets_409_and_the_others_do_not()
    {
        using var fake = FakeCustomersService.Start(new FakeCustomersServiceOptions { MaxCustomersPerOrganization = 2 });
        var client = fake.CreateClient();
        await client.CreateCustomerAsync("telco");
        await client.CreateCustomerAsync("telco");

        var full = await Assert.ThrowsAsync<CustomerCredentialsException>(() => client.CreateCustomerAsync("telco"));

        Assert.Equal((409, CustomerCredentialsErrorCodes.CustomerLimitReached), (full.Status, full.ErrorCode));
        await client.CreateCustomerAsync("other");
    }
}
