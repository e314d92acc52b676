namespace Customers.Client.Testing.Tests;

/// <summary>Faults chosen by operation, organization, customer or any condition, once, N times or for a share, after the checks unless asked otherwise.</summary>
public sealed class FaultSelectionTests : IDisposable
{
    private readonly FakeCustomersService _fake = FakeCustomersService.Start();
    private readonly CustomerCredentialsClient _client;

    public FaultSelectionTests() => _client = _fake.CreateClient(configure: o => o.MaxRetryAttempts = 0);

    [Fact]
    public async Task A_fault_for_one_organization_leaves_the_others_alone()
    {
        var (telco, other) = (_fake.AddCustomer("telco"), _fake.AddCustomer("other"));
        _fake.InjectFault(FakeFault.Unavailable().Times(5).ForOrganization("telco"));

        Assert.Empty(await _client.ListCredentialsAsync("other", other));
        Assert.Equal(503, (await Assert.ThrowsAsync<CustomerCredentialsException>(() => _client.ListCredentialsAsync("telco", telco))).Status);
    }

    [Fact]
    public async Task A_fault_for_one_customer_leaves_the_others_alone()
    {
        var (target, bystander) = (_fake.AddCustomer("telco"), _fake.AddCustomer("telco"));
        _fake.InjectFault(FakeFault.InternalError().Times(5).ForCustomer(target));

        Assert.Empty(await _client.ListCredentialsAsync("telco", bystander));
        Assert.Equal(500, (await Assert.ThrowsAsync<CustomerCredentialsException>(() => _client.ListCredentialsAsync("telco", target))).Status);
    }

    [Fact]
    public async Task A_predicate_chooses_the_calls_it_names()
    {
        var customer = _fake.AddCustomer("telco");
        _fake.InjectFault(FakeFault.Unavailable().Times(5).When(r => r.Body?.Contains("@blocked.example", StringComparison.Ordinal) == true));

        await _client.CreateCredentialAsync("telco", customer, "fine@example.com");
        Assert.Equal(503, (await Assert.ThrowsAsync<CustomerCredentialsException>(() => _client.CreateCredentialAsync("telco", customer, "x@blocked.example"))).Status);
    }

    [Fact]
    public async Task A_fault_given_n_times_fires_n_times_then_stops()
    {
        var customer = _fake.AddCustomer("telco");
        _fake.InjectFault("listCredentials", FakeFault.Timeout().Times(2));

        for (var i = 0; i < 2; i++)
        {
            await Assert.ThrowsAsync<CustomerCredentialsException>(() => _client.ListCredentialsAsync("telco", customer));
        }

        Assert.Empty(await _client.ListCredentialsAsync("telco", customer));
    }

    [Fact]
    public async Task Faults_fire_after_the_role_and_validation_checks_so_a_bad_request_still_gets_its_400()
    {
        var customer = _fake.AddCustomer("telco");
        _fake.InjectFault("createCredential", FakeFault.Unavailable());

        var invalid = await Assert.ThrowsAsync<CustomerCredentialsException>(() => _client.CreateCredentialAsync("telco", customer, new string('a', 100)));
        var forbidden = await Assert.ThrowsAsync<CustomerCredentialsException>(() => _fake.CreateClient("GUEST", o => o.MaxRetryAttempts = 0).CreateCredentialAsync("telco", customer, "a@example.com"));
        var faulted = await Assert.ThrowsAsync<CustomerCredentialsException>(() => _client.CreateCredentialAsync("telco", customer, "valid@example.com"));

        Assert.Equal([400, 403, 503], [invalid.Status, forbidden.Status, faulted.Status]);
    }

    [Fact]
    public async Task A_fault_before_the_checks_fires_even_on_a_request_they_would_refuse()
    {
        var customer = _fake.AddCustomer("telco");
        _fake.InjectFault("createCredential", FakeFault.Unavailable().BeforeChecks());

        var faulted = await Assert.ThrowsAsync<CustomerCredentialsException>(() => _client.CreateCredentialAsync("telco", customer, new string('a', 100)));

        Assert.Equal(503, faulted.Status);
    }

    public void Dispose() => _fake.Dispose();
}
