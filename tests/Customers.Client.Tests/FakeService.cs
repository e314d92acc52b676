using System.Net;
using System.Net.Sockets;
using Customers.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WireMock.Logging;
using WireMock.Server;
using WireMock.Settings;

namespace Customers.Client.Tests;

/// <summary>A WireMock server on 127.0.0.1 and a client registered against it the way a client team registers it.</summary>
public sealed class FakeService : IDisposable
{
    public const string Org = "telco";
    public static readonly Guid CustomerId = Guid.Parse("123e4567-e89b-12d3-a456-556642440000");
    public static readonly Guid CredentialId = Guid.Parse("028076fa-c264-42bb-9983-8872a576be28");

    public FakeService()
    {
        Server = WireMockServer.Start(new WireMockServerSettings
        {
            Urls = [$"http://127.0.0.1:{FreePort()}"],
            MaxRequestLogCount = 1000,
            Logger = new WireMockNullLogger(),
        });
    }

    public WireMockServer Server { get; }

    public static string CredentialsPath => $"/v4/orgs/{Org}/customers/{CustomerId}/credentials";

    public static string CredentialPath => $"{CredentialsPath}/{CredentialId}";

    public static string CustomerPath => $"/v4/orgs/{Org}/customers/{CustomerId}";

    public CustomerCredentialsClient Client(Action<CustomerCredentialsClientOptions>? configure = null, ILoggerProvider? logs = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Trace);
            if (logs is not null)
            {
                logging.AddProvider(logs);
            }
        });
        services.AddCustomerCredentialsClient(options =>
        {
            options.BaseAddress = new Uri(Server.Url!);
            options.RetryDelay = TimeSpan.FromMilliseconds(20);
            options.AttemptTimeout = TimeSpan.FromSeconds(5);
            options.TotalTimeout = TimeSpan.FromSeconds(15);
            configure?.Invoke(options);
        });
        return services.BuildServiceProvider().GetRequiredService<CustomerCredentialsClient>();
    }

    public IReadOnlyList<ILogEntry> Requests(string method) =>
        Server.LogEntries.Where(e => e.RequestMessage!.Method == method).ToList();

    public void Dispose() => Server.Stop();

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
