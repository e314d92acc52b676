using Customers.ContractChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Customers.Server.Tests;

/// <summary>
/// The real service in memory (TestServer) on its own SQLite file in a temporary folder.
/// Settings and service replacements are for the few tests that need them.
/// </summary>
public class ServiceFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;

    public ServiceFactory(Dictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null, string? databasePath = null)
    {
        DatabasePath = databasePath ?? Path.Combine(Path.GetTempPath(), "customers-server-tests", $"{Guid.NewGuid():N}", "customers.db");
        _settings = settings ?? [];
        _services = services;
    }

    public string DatabasePath { get; }

    /// <summary>A client whose every response is checked against the contract (see <see cref="ContractValidatingHandler"/>).</summary>
    public HttpClient CreateClient(string? roles)
    {
        var client = CreateDefaultClient(new ContractValidatingHandler());
        if (roles is not null)
        {
            client.DefaultRequestHeaders.Add("x-auth-roles", roles);
        }

        return client;
    }

    /// <summary>
    /// The suites send bursts far past an organization's default rates; each sets the limits it
    /// tests (Limits/), and everything else runs with the rate limits off.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> RatesOff = new Dictionary<string, string>
    {
        ["Limits:Organization:ReadsPerSecond"] = "0",
        ["Limits:Organization:WritesPerSecond"] = "0",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Sqlite", $"Data Source={DatabasePath}");
        foreach (var (key, value) in RatesOff)
        {
            builder.UseSetting(key, value);
        }

        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}

/// <summary>One service with default settings, shared by the tests of a class (xunit class fixture).</summary>
public sealed class SharedService : ServiceFactory
{
    public SharedService()
        : base()
    {
    }
}
