using System.Diagnostics.Metrics;
using Customers.Client.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Customers.Client.Consumer.Tests;

/// <summary>What a client team writes with the packed packages: named clients, its own Idempotency-Key, Aspire-style defaults, metrics, the fake's faults in its own test.</summary>
public sealed class TeamScenariosTests(RunningService service) : IClassFixture<RunningService>
{
    [Fact]
    public async Task Two_named_clients_with_their_own_roles_and_a_default_resilience_handler_for_every_client()
    {
        var services = new ServiceCollection();
        services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler()); // as the Aspire service defaults do
        services.AddCustomerCredentialsClient("writer", o => o.BaseAddress = service.BaseAddress);
        services.AddCustomerCredentialsClient("stranger", o => (o.BaseAddress, o.Roles) = (service.BaseAddress, "NOT_GRANTED"));
        await using var provider = services.BuildServiceProvider();

        var customer = await provider.GetRequiredKeyedService<CustomerCredentialsClient>("writer").CreateCustomerAsync("telco");
        var refused = await Assert.ThrowsAsync<CustomerCredentialsException>(() => provider.GetRequiredKeyedService<CustomerCredentialsClient>("stranger").ListCredentialsAsync("telco", customer.Id));

        Assert.Equal((403, CustomerCredentialsErrorCodes.RoleNotPermitted), (refused.Status, refused.ErrorCode));
    }

    [Fact]
    public async Task A_consumer_that_handles_a_message_twice_creates_one_credential_with_its_own_key()
    {
        var client = CustomerCredentialsClient.Create(o => o.BaseAddress = service.BaseAddress);
        var customer = await client.CreateCustomerAsync("telco");
        var message = new CustomerCredentialsRequestOptions { IdempotencyKey = $"message-{Guid.NewGuid():N}" };

        var first = await client.CreateCredentialWithResponseAsync("telco", customer.Id, $"once-{Guid.NewGuid():N}@example.com", message);
        var again = await client.CreateCredentialWithResponseAsync("telco", customer.Id, first.Value.Username, message);

        Assert.Equal((201, 201, first.Value.Id, message.IdempotencyKey), (first.Status, again.Status, again.Value.Id, again.IdempotencyKey));
        Assert.Matches("^[0-9a-f]{32}$", first.TraceId);
        Assert.Single(await client.ListCredentialsAsync("telco", customer.Id));
    }

    [Fact]
    public async Task Calls_are_measured_on_the_clients_meter()
    {
        var operations = new List<string>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ClientDiagnostics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "customers.operation")
                {
                    lock (operations)
                    {
                        operations.Add((string)tag.Value!);
                    }
                }
            }
        });
        listener.Start();

        await CustomerCredentialsClient.Create(o => o.BaseAddress = service.BaseAddress).CreateCustomerAsync("telco");

        Assert.Contains("createCustomer", operations);
    }

    [Fact]
    public async Task A_teams_own_test_makes_the_fake_fail_and_sees_its_retry_work()
    {
        using var fake = FakeCustomersService.Start();
        var customer = fake.AddCustomer("telco");
        fake.InjectFault("listCredentials", FakeFault.Unavailable());

        var listed = await fake.CreateClient(configure: o => o.RetryDelay = TimeSpan.FromMilliseconds(10)).ListCredentialsAsync("telco", customer);

        Assert.Empty(listed);
        Assert.Equal([503, 200], fake.ReceivedRequests.Select(r => r.Status));
    }
}
