using Customers.Server.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Customers.Server.Tests.Storage;

/// <summary>The service's storage registration alone, migrated, for testing a repository directly.</summary>
public sealed class StoreHost : IAsyncDisposable
{
    private readonly IHost _host;

    private StoreHost(IHost host) => _host = host;

    public ICustomerStore Store => _host.Services.GetRequiredService<ICustomerStore>();

    public static async Task<StoreHost> StartAsync(Dictionary<string, string?> settings, TimeProvider clock)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton(clock);
        builder.Services.AddLogging();
        builder.Services.AddCustomerStorage(builder.Configuration);
        var host = builder.Build();
        await host.StartAsync();
        return new StoreHost(host);
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
