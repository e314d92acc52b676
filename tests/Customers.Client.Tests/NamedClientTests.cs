using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Customers.Client.Tests;

/// <summary>Several clients in one application, each with its options and its one pipeline; and a client without a container.</summary>
public sealed class NamedClientTests : IDisposable
{
    private readonly FakeService _staging = new();
    private readonly FakeService _production = new();

    [Fact]
    public async Task Named_clients_call_their_own_service_with_their_own_roles()
    {
        foreach (var fake in new[] { _staging, _production })
        {
            fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingGet())
                .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(Responses.CredentialList));
        }

        var services = new ServiceCollection();
        services.AddCustomerCredentialsClient("staging", o => (o.BaseAddress, o.Roles) = (new Uri(_staging.Server.Url!), "TESTER"));
        services.AddCustomerCredentialsClient("production", o => (o.BaseAddress, o.Roles) = (new Uri(_production.Server.Url!), "READER"));
        await using var provider = services.BuildServiceProvider();

        await provider.GetRequiredKeyedService<CustomerCredentialsClient>("staging").ListCredentialsAsync(FakeService.Org, FakeService.CustomerId);
        await provider.GetRequiredKeyedService<CustomerCredentialsClient>("production").ListCredentialsAsync(FakeService.Org, FakeService.CustomerId);

        Assert.Equal("TESTER", _staging.Requests("GET").Single().RequestMessage!.Headers!["x-auth-roles"].Single());
        Assert.Equal("READER", _production.Requests("GET").Single().RequestMessage!.Headers!["x-auth-roles"].Single());
    }

    [Fact]
    public void Registering_a_name_twice_is_an_error_not_a_second_pipeline()
    {
        var services = new ServiceCollection();
        services.AddCustomerCredentialsClient(o => o.BaseAddress = new Uri("http://127.0.0.1:1/"));
        services.AddCustomerCredentialsClient("billing", o => o.BaseAddress = new Uri("http://127.0.0.1:1/"));

        Assert.Throws<InvalidOperationException>(() => services.AddCustomerCredentialsClient(o => o.BaseAddress = new Uri("http://127.0.0.1:2/")));
        Assert.Throws<InvalidOperationException>(() => services.AddCustomerCredentialsClient("billing", o => o.BaseAddress = new Uri("http://127.0.0.1:2/")));
    }

    [Fact]
    public async Task A_client_without_a_container_has_the_same_pipeline_and_checks_its_options()
    {
        _staging.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingGet()).InScenario("retry").WillSetStateTo("failed")
            .RespondWith(Response.Create().WithStatusCode(503).WithBody(Responses.Error("REPOSITORY_UNAVAILABLE")));
        _staging.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingGet()).InScenario("retry").WhenStateIs("failed")
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(Responses.CredentialList));

        var client = CustomerCredentialsClient.Create(o => (o.BaseAddress, o.RetryDelay) = (new Uri(_staging.Server.Url!), TimeSpan.FromMilliseconds(10)));
        var listed = await client.ListCredentialsAsync(FakeService.Org, FakeService.CustomerId);

        Assert.Single(listed);
        Assert.Equal(2, _staging.Requests("GET").Count);
        Assert.Throws<OptionsValidationException>(() => CustomerCredentialsClient.Create(o => o.BaseAddress = null));
    }

    public void Dispose()
    {
        _staging.Dispose();
        _production.Dispose();
    }
}
