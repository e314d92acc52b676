namespace Customers.Client.Testing.Tests;

/// <summary>The fake fails on request as the real service fails, and a client team's code sees exactly those failures.</summary>
public sealed class FaultInjectionTests : IDisposable
{
    private readonly FakeCustomersService _fake = FakeCustomersService.Start();

    [Fact]
    public async Task A_503_once_is_retried_by_the_client_and_the_create_happens_once()
    {
        var customer = _fake.AddCustomer("telco");
        _fake.InjectFault("createCredential", FakeFault.Unavailable());
        var client = _fake.CreateClient(configure: o => o.RetryDelay = TimeSpan.FromMilliseconds(10));

        var created = await client.CreateCredentialAsync("telco", customer, "retry@example.com");

        Assert.Equal([503, 201], _fake.ReceivedRequests.Where(r => r.OperationId == "createCredential").Select(r => r.Status));
        Assert.Equal([created.Id], (await client.ListCredentialsAsync("telco", customer)).Select(c => c.Id));
    }

    [Theory]
    [InlineData(503, "REPOSITORY_UNAVAILABLE")]
    [InlineData(504, "REPOSITORY_TIMEOUT")]
    public async Task Repository_failures_reach_the_caller_with_the_contracts_status_and_code_and_change_nothing(int status, string code)
    {
        var customer = _fake.AddCustomer("telco");
        _fake.InjectFault("createCredential", status == 503 ? FakeFault.Unavailable(times: 10) : FakeFault.Timeout(times: 10));
        var client = _fake.CreateClient(configure: o => (o.MaxRetryAttempts, o.RetryDelay) = (2, TimeSpan.FromMilliseconds(10)));

        var failure = await Assert.ThrowsAsync<CustomerCredentialsException>(() => client.CreateCredentialAsync("telco", customer, "never@example.com"));

        Assert.Equal((status, code, CustomerCredentialsFailureKind.ServiceAnswered), (failure.Status, failure.ErrorCode, failure.Kind));
        Assert.Equal(3, _fake.ReceivedRequests.Count(r => r.OperationId == "createCredential"));
        _fake.ClearFaults();
        Assert.Empty(await client.ListCredentialsAsync("telco", customer));
    }

    [Fact]
    public async Task A_dropped_connection_is_a_network_failure()
    {
        var customer = _fake.AddCustomer("telco");
        _fake.InjectFault("listCredentials", FakeFault.DropConnection(times: 10));
        var client = _fake.CreateClient(configure: o => o.MaxRetryAttempts = 0);

        var failure = await Assert.ThrowsAsync<CustomerCredentialsException>(() => client.ListCredentialsAsync("telco", customer));

        Assert.Equal((0, CustomerCredentialsFailureKind.Network), (failure.Status, failure.Kind));
    }

    [Fact]
    public async Task A_slow_answer_meets_the_callers_timeout()
    {
        var customer = _fake.AddCustomer("telco");
        _fake.InjectFault("listCredentials", FakeFault.Slow(TimeSpan.FromSeconds(2)));
        var client = _fake.CreateClient();

        var failure = await Assert.ThrowsAsync<CustomerCredentialsException>(() => client.ListCredentialsAsync("telco", customer,
            new CustomerCredentialsRequestOptions { Timeout = TimeSpan.FromMilliseconds(300) }));

        Assert.Equal(CustomerCredentialsFailureKind.Timeout, failure.Kind);
    }

    [Fact]
    public async Task A_share_of_failures_is_drawn_from_the_seed()
    {
        var customer = _fake.AddCustomer("telco");
        _fake.InjectFault("listCredentials", FakeFault.UnavailableSometimes(0.5));
        var client = _fake.CreateClient(configure: o => o.MaxRetryAttempts = 0);

        var outcomes = new List<bool>();
        for (var i = 0; i < 40; i++)
        {
            try
            {
                await client.ListCredentialsAsync("telco", customer);
                outcomes.Add(true);
            }
            catch (CustomerCredentialsException e) when (e.Status == 503)
            {
                outcomes.Add(false);
            }
        }

        Assert.InRange(outcomes.Count(ok => !ok), 8, 32);
        Assert.Contains(true, outcomes);
    }

    [Fact]
    public async Task Seeded_credentials_are_listed_and_taken()
    {
        var customer = _fake.AddCustomer("telco");
        var seeded = _fake.AddCredential("telco", customer, "seeded@example.com");
        var client = _fake.CreateClient();

        Assert.Equal([seeded], (await client.ListCredentialsAsync("telco", customer)).Select(c => c.Id));
        var taken = await Assert.ThrowsAsync<CustomerCredentialsException>(() => client.CreateCredentialAsync("telco", _fake.AddCustomer("telco"), "SEEDED@example.com"));
        Assert.Equal(CustomerCredentialsErrorCodes.UsernameTaken, taken.ErrorCode);
        Assert.Throws<ArgumentException>(() => _fake.InjectFault("noSuchOperation", FakeFault.Unavailable()));
    }

    public void Dispose() => _fake.Dispose();
}
