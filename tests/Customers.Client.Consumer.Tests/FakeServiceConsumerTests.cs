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

    [Fact]
    public async Task A_create_applied_but_lost_is_resent_with_the_key_from_the_exception_and_the_customer_holds_one_credential()
    {
        using var fake = FakeCustomersService.Start();
        var customer = fake.AddCustomer("telco");
        // Every attempt of the call (the first and the client's three retries) is applied, or replayed, and its answer lost.
        fake.InjectFault("createCredential", FakeFault.AppliedButLost().Times(4));
        var client = fake.CreateClient(configure: o => o.RetryDelay = TimeSpan.FromMilliseconds(10));

        var lost = await Assert.ThrowsAsync<CustomerCredentialsException>(() => client.CreateCredentialAsync("telco", customer, "erin@example.com"));
        Assert.True(lost.OutcomeUnknown);
        var created = await client.CreateCredentialAsync("telco", customer, "erin@example.com", new() { IdempotencyKey = lost.IdempotencyKey });

        Assert.Equal([created.Id], (await client.ListCredentialsAsync("telco", customer)).Select(c => c.Id));
        Assert.Single(fake.ReceivedRequests.Where(r => r.OperationId == "createCredential").Select(r => r.Headers["idempotency-key"]).Distinct());
    }

    [Fact]
    public void The_fake_package_brings_no_identity_model_dependency_of_its_own()
    {
        // It once depended on Microsoft.IdentityModel.Protocols.OpenIdConnect only to make a restore work, and so did every team's test project.
        var packages = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "obj", "packages", "customers.client.testing");
        var nuspec = File.ReadAllText(Assert.Single(Directory.GetFiles(packages, "*.nuspec", SearchOption.AllDirectories)));

        Assert.Contains("WireMock.Net.Minimal", nuspec);
        Assert.DoesNotContain("Microsoft.IdentityModel", nuspec);
    }
}
