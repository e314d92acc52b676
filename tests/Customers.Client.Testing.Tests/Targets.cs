using Customers.Client.Testing;
using Customers.ContractChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Customers.Client.Testing.Tests;

/// <summary>Something that answers the customers API: the fake, or the real service.</summary>
public interface ITarget : IDisposable
{
    /// <summary>Raw HTTP with x-auth-roles set (or not); every response is checked against the contract.</summary>
    HttpClient Http(string? roles = "API_KEY");

    CustomerCredentialsClient Client(string roles = "API_KEY");
}

public sealed class FakeTarget : ITarget
{
    private readonly FakeCustomersService _fake = FakeCustomersService.Start();

    public HttpClient Http(string? roles = "API_KEY") =>
        WithRoles(new HttpClient(new ContractValidatingHandler(inner: new SocketsHttpHandler(), recordCoverage: false)) { BaseAddress = _fake.BaseAddress }, roles);

    public CustomerCredentialsClient Client(string roles = "API_KEY") => _fake.CreateClient(roles);

    public void Dispose() => _fake.Dispose();

    internal static HttpClient WithRoles(HttpClient client, string? roles)
    {
        if (roles is not null)
        {
            client.DefaultRequestHeaders.Add("x-auth-roles", roles);
        }

        return client;
    }
}

public sealed class RealTarget : WebApplicationFactory<Program>, ITarget
{
    private readonly string _database = Path.Combine(Path.GetTempPath(), "customers-scenario-tests", $"{Guid.NewGuid():N}", "customers.db");

    public HttpClient Http(string? roles = "API_KEY") => FakeTarget.WithRoles(CreateDefaultClient(new ContractValidatingHandler()), roles);

    public CustomerCredentialsClient Client(string roles = "API_KEY")
    {
        var services = new ServiceCollection();
        services.AddCustomerCredentialsClient(options =>
            {
                options.BaseAddress = Server.BaseAddress;
                options.Roles = roles;
            })
            .ConfigurePrimaryHttpMessageHandler(() => Server.CreateHandler());
        return services.BuildServiceProvider().GetRequiredService<CustomerCredentialsClient>();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder) => builder.UseSetting("ConnectionStrings:Sqlite", $"Data Source={_database}");
}
