using Customers.Server.Storage;
using Customers.Server.Storage.Postgres;
using Npgsql;

namespace Customers.Server.Tests.Security;

/// <summary>The SQLite files are the service user's alone; a PostgreSQL server off the machine must prove its name.</summary>
public sealed class DataAtRestTests
{
    [Fact]
    public async Task The_database_its_WAL_and_shared_memory_are_created_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Unix file modes: the service runs on Linux.");
        }

        await using var service = new ServiceFactory();
        using var client = service.CreateClient("API_KEY");

        await Api.CreateCustomerAsync(client); // a write: the WAL and shared-memory files exist now

        foreach (var path in new[] { service.DatabasePath, service.DatabasePath + "-wal", service.DatabasePath + "-shm" })
        {
            Assert.True(File.Exists(path), $"{path} is missing");
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public async Task A_world_readable_file_of_an_earlier_version_is_tightened_at_start()
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Unix file modes: the service runs on Linux.");
        }

        var path = Path.Combine(Directory.CreateTempSubdirectory("customers-modes-").FullName, "customers.db");
        File.WriteAllBytes(path, []);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        await using var service = new ServiceFactory(databasePath: path);
        using var client = service.CreateClient("API_KEY");

        await Api.CreateCustomerAsync(client);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Theory]
    [InlineData("Host=db.example.test;Database=customers", SslMode.VerifyFull)]
    [InlineData("Host=127.0.0.1,db2.example.test:5433;Database=customers", SslMode.VerifyFull)]
    [InlineData("Host=10.0.0.7;Database=customers", SslMode.VerifyFull)]
    [InlineData("Host=127.0.0.1;Port=5432;Database=customers", SslMode.Prefer)]
    [InlineData("Host=localhost,[::1]:5433;Database=customers", SslMode.Prefer)]
    [InlineData("Host=/var/run/postgresql;Database=customers", SslMode.Prefer)]
    [InlineData("Host=db.example.test;SSL Mode=Require;Database=customers", SslMode.Require)]
    [InlineData("Host=db.example.test;SslMode=VerifyCA;Database=customers", SslMode.VerifyCA)]
    public void A_connection_off_the_machine_verifies_the_servers_certificate_unless_the_operator_says_otherwise(string connectionString, SslMode expected)
    {
        var effective = new NpgsqlConnectionStringBuilder(PostgresConnectionSettings.ForRequests(connectionString, new StorageOptions()));

        Assert.Equal(expected, effective.SslMode);
    }
}
