using Customers.Client;
using Customers.Client.Testing;

namespace Customers.Client.Consumer.Tests;

/// <summary>A client team's test written against the packed Customers.Client.Testing fake.</summary>
public sealed class FakeServiceConsumerTests
{
    [Fact]
    public async Task A_team_starts_the_fake_in_one_line_and_points_the_client_at_it()
    {
        using var fake = FakeCustomersService.Start();
        var client = fake.CreateClient();

        var customer = await client.CreateCustomerAsync("telco");
        var credential = await client.CreateCredentialAsync("telco", customer.Id, "dave@example.com");
        var taken = await Assert.ThrowsAsync<CustomerCredentialsException>(() => client.CreateCredentialAsync("telco", customer.Id, "Dave@Example.com"));

        Assert.Equal((409, "USERNAME_TAKEN"), (taken.Status, taken.ErrorCode));
        Assert.Equal([credential.Id], (await client.ListCredentialsAsync("telco", customer.Id)).Select(c => c.Id));
        Assert.Equal(403, (await Assert.ThrowsAsync<CustomerCredentialsException>(() => fake.CreateClient("GUEST").ListCredentialsAsync("telco", customer.Id))).Status);
    }
}
