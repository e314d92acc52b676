namespace Customers.Server.Tests.Storage;

public sealed class SqliteStoreTests : CustomerStoreContract
{
    protected override Task<StoreHost> StartAsync() => StoreHost.StartAsync(new()
    {
        ["Storage:Provider"] = "Sqlite",
        ["ConnectionStrings:Sqlite"] = $"Data Source={Path.Combine(Path.GetTempPath(), "customers-store-tests", Guid.NewGuid().ToString("N"), "customers.db")}",
    }, Clock);
}
