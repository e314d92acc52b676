using Customers.Client.Testing;

namespace Customers.Client.Sample.Tests;

/// <summary>The team's code against the fake, including the failures the contract documents.</summary>
public sealed class LoginProvisionerTests : IDisposable
{
    private readonly FakeCustomersService _fake = FakeCustomersService.Start();

    [Fact]
    public async Task A_message_handled_twice_gives_one_login()
    {
        var customer = _fake.AddCustomer("telco");
        var provisioner = new LoginProvisioner(_fake.CreateClient());

        var first = await provisioner.HandleAsync("msg-1", "telco", customer, "ana@example.com");
        var again = await provisioner.HandleAsync("msg-1", "telco", customer, "ana@example.com");

        Assert.Equal(first.CredentialId, again.CredentialId);
        Assert.Single(await _fake.CreateClient().ListCredentialsAsync("telco", customer));
    }

    [Fact]
    public async Task A_service_outage_that_passes_is_absorbed_by_the_clients_retries()
    {
        var customer = _fake.AddCustomer("telco");
        _fake.InjectFault("createCredential", FakeFault.Unavailable(times: 2));
        var provisioner = new LoginProvisioner(_fake.CreateClient(configure: o => o.RetryDelay = TimeSpan.FromMilliseconds(10)));

        var result = await provisioner.HandleAsync("msg-2", "telco", customer, "bo@example.com");

        Assert.NotNull(result.CredentialId);
        Assert.Equal([503, 503, 201], _fake.ReceivedRequests.Where(r => r.OperationId == "createCredential").Select(r => r.Status));
    }

    [Fact]
    public async Task A_lasting_outage_reaches_the_message_handler_which_leaves_the_message_for_later()
    {
        var customer = _fake.AddCustomer("telco");
        _fake.InjectFault("createCredential", FakeFault.Timeout(times: 100));
        var provisioner = new LoginProvisioner(_fake.CreateClient(configure: o => (o.MaxRetryAttempts, o.RetryDelay) = (1, TimeSpan.FromMilliseconds(10))));

        var failure = await Assert.ThrowsAsync<CustomerCredentialsException>(() => provisioner.HandleAsync("msg-3", "telco", customer, "cy@example.com"));

        Assert.Equal((504, CustomerCredentialsErrorCodes.RepositoryTimeout), (failure.Status, failure.ErrorCode));
        _fake.ClearFaults();
        Assert.NotNull((await provisioner.HandleAsync("msg-3", "telco", customer, "cy@example.com")).CredentialId); // the redelivery succeeds
    }

    [Fact]
    public async Task A_taken_username_is_an_answer()
    {
        var customer = _fake.AddCustomer("telco");
        _fake.AddCredential("telco", _fake.AddCustomer("telco"), "dee@example.com");

        var result = await new LoginProvisioner(_fake.CreateClient()).HandleAsync("msg-4", "telco", customer, "DEE@example.com");

        Assert.True(result.Taken);
    }

    public void Dispose() => _fake.Dispose();
}
