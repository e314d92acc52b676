using Customers.Server.Tests.Postgres;
using Customers.Server.Tests.Processes;
using Npgsql;

namespace Customers.Server.Tests.Failover;

/// <summary>
/// The deployed shape in small: a primary with one synchronous streaming standby, and the service
/// as its own process given both in a multi-host connection string (the primary first).
/// </summary>
public sealed class FailoverShape : IAsyncDisposable
{
    private readonly string _folder;

    private FailoverShape(PostgresCluster primary, PostgresCluster standby, string database, string folder)
    {
        Primary = primary;
        Standby = standby;
        Database = database;
        _folder = folder;
    }

    public PostgresCluster Primary { get; }

    public PostgresCluster Standby { get; }

    public string Database { get; }

    public ServiceProcess Service { get; private set; } = null!;

    /// <summary>The request timeout the service runs with: a call that hangs longer than it is a defect.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public static async Task<FailoverShape> StartAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        var primary = await PostgresCluster.StartAsync(new PostgresServerSettings(SynchronousStandbys: true));
        var standby = await primary.StartStandbyAsync();
        var database = new NpgsqlConnectionStringBuilder(await primary.CreateDatabaseAsync()).Database!;
        var shape = new FailoverShape(primary, standby, database, Directory.CreateTempSubdirectory("customers-failover-").FullName);
        var environment = new Dictionary<string, string>
        {
            ["Storage__Provider"] = "Postgres",
            ["ConnectionStrings__Postgres"] = PostgresCluster.MultiHostConnectionString(database, primary, standby),
            ["Storage__Timeout"] = Timeout.ToString(),
            [ServiceProcess.UnlimitedCredentials.Key] = ServiceProcess.UnlimitedCredentials.Value,
        };
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            environment[name] = value;
        }

        shape.Service = await ServiceProcess.StartAsync(shape._folder, environment);
        return shape;
    }

    /// <summary>Every username stored now on the server given, by its own connection.</summary>
    public async Task<List<string>> UsernamesOnAsync(PostgresCluster server)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString(Database) + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT username FROM credentials;", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var usernames = new List<string>();
        while (await reader.ReadAsync())
        {
            usernames.Add(reader.GetString(0));
        }

        return usernames;
    }

    public async ValueTask DisposeAsync()
    {
        if (Service is not null)
        {
            await Service.DisposeAsync();
        }

        await Standby.DisposeAsync();
        await Primary.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
