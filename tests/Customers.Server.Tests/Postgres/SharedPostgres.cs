namespace Customers.Server.Tests.Postgres;

/// <summary>One PostgreSQL server for the "Postgres" collection, started on first use.</summary>
public sealed class SharedPostgres : IAsyncLifetime
{
    private readonly Lazy<Task<PostgresCluster>> _cluster = new(PostgresCluster.StartAsync);

    public Task<PostgresCluster> ClusterAsync() => _cluster.Value;

    public async Task<string> CreateDatabaseAsync() => await (await ClusterAsync()).CreateDatabaseAsync();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_cluster.IsValueCreated && _cluster.Value.IsCompletedSuccessfully)
        {
            await _cluster.Value.Result.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<SharedPostgres>
{
    public const string Name = "Postgres";
}
