using Customers.Server.Tests.Postgres;

namespace Customers.Server.Tests.Storage;

[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreTests(SharedPostgres postgres) : CustomerStoreContract
{
    protected override async Task<StoreHost> StartAsync()
    {
        PostgresRequirement.SkipIfUnavailable();
        return await StoreHost.StartAsync(new()
        {
            ["Storage:Provider"] = "Postgres",
            ["ConnectionStrings:Postgres"] = await postgres.CreateDatabaseAsync(),
        }, Clock);
    }
}
