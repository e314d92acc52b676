using System.Text;
using Customers.ContractChecks;
using Customers.Server.Tests.Processes;

namespace Customers.Server.Tests.Reliability;

/// <summary>The service that the hostile requests go to: in memory, or its own process on Kestrel; both on a SQLite file.</summary>
public sealed class HostileTarget : IAsyncDisposable
{
    private readonly ServiceFactory? _inMemory;
    private readonly ServiceProcess? _process;

    private HostileTarget(ServiceFactory? inMemory, ServiceProcess? process, string databasePath)
    {
        _inMemory = inMemory;
        _process = process;
        DatabasePath = databasePath;
    }

    public string DatabasePath { get; }

    public static async Task<HostileTarget> StartAsync(string host)
    {
        if (host == "TestServer")
        {
            var factory = new ServiceFactory();
            return new HostileTarget(factory, null, factory.DatabasePath);
        }

        var directory = Directory.CreateTempSubdirectory("customers-hostile-").FullName;
        var process = await ServiceProcess.StartAsync(directory);
        return new HostileTarget(null, process, Path.Combine(directory, "customers.db"));
    }

    /// <summary>A client whose responses are checked against the contract; on Kestrel it sends header text as UTF-8 bytes.</summary>
    public HttpClient CreateClient(string? roles)
    {
        if (_inMemory is not null)
        {
            return _inMemory.CreateClient(roles);
        }

        var wire = new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8 };
        return _process!.CreateClient(roles, new ContractValidatingHandler(inner: wire));
    }

    public async ValueTask DisposeAsync()
    {
        if (_inMemory is not null)
        {
            await _inMemory.DisposeAsync();
        }

        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }
}
