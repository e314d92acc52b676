using Microsoft.Extensions.DependencyInjection;

namespace Customers.Client.Consumer.Tests;

/// <summary>The packed Customers.Client against the real service over HTTP.</summary>
public sealed class PackageConsumerTests(RunningService service) : IClassFixture<RunningService>
{
    [Fact]
    public void The_client_comes_from_the_package_not_from_a_project()
    {
        var location = typeof(CustomerCredentialsClient).Assembly.Location;
        var packages = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "obj", "packages", "customers.client");

        Assert.True(Directory.Exists(packages), $"No restored package at {packages}");
        Assert.Contains(Directory.GetFiles(packages, "Customers.Client.dll", SearchOption.AllDirectories), f => new FileInfo(f).Length == new FileInfo(location).Length);
    }

    [Fact]
    public async Task A_team_registers_the_client_and_manages_a_credential()
    {
        var services = new ServiceCollection();
        services.AddCustomerCredentialsClient(options => options.BaseAddress = service.BaseAddress);
        var client = services.BuildServiceProvider().GetRequiredService<CustomerCredentialsClient>();

        var customer = await client.CreateCustomerAsync("telco", "CRM-PKG");
        var created = await client.CreateCredentialAsync("telco", customer.Id, "package@example.com");
        var listed = await client.ListCredentialsAsync("telco", customer.Id);
        await client.DeleteCredentialAsync("telco", customer.Id, created.Id);

        Assert.Equal(created.Id, Assert.Single(listed).Id);
        Assert.Empty(await client.ListCredentialsAsync("telco", customer.Id));
    }

    [Fact]
    public async Task Errors_from_the_real_service_arrive_as_the_package_exception()
    {
        var services = new ServiceCollection();
        services.AddCustomerCredentialsClient(options => options.BaseAddress = service.BaseAddress);
        var client = services.BuildServiceProvider().GetRequiredService<CustomerCredentialsClient>();

        var failure = await Assert.ThrowsAsync<CustomerCredentialsException>(() => client.ListCredentialsAsync("telco", Guid.NewGuid()));

        Assert.Equal(404, failure.Status);
        Assert.Equal("CUSTOMER_NOT_FOUND", failure.ErrorCode);
        Assert.NotNull(failure.TraceId);
    }
}
