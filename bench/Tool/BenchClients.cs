using Customers.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Customers.Bench;

/// <summary>The package's client registered as a client team registers it, against the bench's service.</summary>
public static class BenchClients
{
    public static (ServiceProvider Provider, CustomerCredentialsClient Client) Create(Uri server, bool withResilience = true)
    {
        var services = new ServiceCollection().AddLogging();
        var builder = services.AddCustomerCredentialsClient(options =>
        {
            options.BaseAddress = server;
            options.Roles = "API_KEY";
        });
        if (!withResilience)
        {
#pragma warning disable EXTEXP0001 // Experimental API; only the profiling benchmark variant uses it.
            builder.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        }

        var provider = services.BuildServiceProvider();
        return (provider, provider.GetRequiredService<CustomerCredentialsClient>());
    }
}
