using Customers.Client;
using Customers.ContractChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Customers.EndToEnd.Tests;

/// <summary>
/// The real service on a temporary SQLite file, and Customers.Client registered the way a client
/// team registers it, its HTTP traffic sent to the in-memory server.
/// </summary>
public sealed class ServiceWithClient : WebApplicationFactory<Program>
{
    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), "customers-e2e-tests", $"{Guid.NewGuid():N}", "customers.db");

    public CustomerCredentialsClient CreateCredentialsClient(string roles = "API_KEY", Action<IHttpClientBuilder>? configure = null)
    {
        var services = new ServiceCollection();
        var builder = services.AddCustomerCredentialsClient(options =>
            {
                options.BaseAddress = Server.BaseAddress;
                options.Roles = roles;
            })
            .ConfigurePrimaryHttpMessageHandler(() => Server.CreateHandler());
        configure?.Invoke(builder);

        // Innermost, next to the server: it checks what the service really answered, not what a
        // test's fault-injecting handler made of it.
        builder.AddHttpMessageHandler(() => new ContractValidatingHandler());
        return services.BuildServiceProvider().GetRequiredService<CustomerCredentialsClient>();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder) =>
        builder.UseSetting("ConnectionStrings:Sqlite", $"Data Source={_databasePath}");
}
