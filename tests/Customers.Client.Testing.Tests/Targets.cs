using Customers.Client.Testing;
using Customers.ContractChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Customers.Client.Testing.Tests;

/// <summary>Something that answers the customers API: the fake, or the real service.</summary>
public interface ITarget : IDisposable
{
    /// <summary>Raw HTTP with x-auth-roles set (or not); every response is checked against the contract.</summary>
    HttpClient Http(string? roles = "API_KEY");

    CustomerCredentialsClient Client(string roles = "API_KEY");

    /// <summary>Until disposed, the repository does not take writes in time: the fake by its fault injection, the real service because another connection holds SQLite's write lock.</summary>
    IDisposable StallWrites();

    /// <summary>
    /// A target of its own (dispose it) where an organization's first write goes through and the
    /// next credential is refused with 429 for about 5 s: the fake by its fault, the real service by
    /// a write rate of one per 5 s.
    /// </summary>
    ITarget WithOneWritePerFiveSeconds();

    /// <summary>A client with further options, the way <see cref="Client"/> makes it.</summary>
    CustomerCredentialsClient Client(Action<CustomerCredentialsClientOptions> configure);
}

public sealed class FakeTarget : ITarget
{
    private readonly FakeCustomersService _fake = FakeCustomersService.Start();

    public HttpClient Http(string? roles = "API_KEY") =>
        WithRoles(new HttpClient(new ContractValidatingHandler(inner: new SocketsHttpHandler(), recordCoverage: false)) { BaseAddress = _fake.BaseAddress }, roles);

    public CustomerCredentialsClient Client(string roles = "API_KEY") => _fake.CreateClient(roles);

    public CustomerCredentialsClient Client(Action<CustomerCredentialsClientOptions> configure) => _fake.CreateClient(configure: configure);

    public ITarget WithOneWritePerFiveSeconds()
    {
        var limited = new FakeTarget();
        limited._fake.InjectFault("createCredential", FakeFault.RateLimited(TimeSpan.FromSeconds(5)).Times(int.MaxValue));
        return limited;
    }

    public IDisposable StallWrites()
    {
        foreach (var operation in new[] { "createCustomer", "createCredential", "deleteCredential" })
        {
            _fake.InjectFault(operation, FakeFault.Timeout(times: int.MaxValue));
        }

        return new Stall(_fake.ClearFaults);
    }

    public void Dispose() => _fake.Dispose();

    internal static HttpClient WithRoles(HttpClient client, string? roles)
    {
        if (roles is not null)
        {
            client.DefaultRequestHeaders.Add("x-auth-roles", roles);
        }

        return client;
    }
}

public class RealTarget : WebApplicationFactory<Program>, ITarget
{
    private readonly string _database;
    private readonly double? _writesPerSecond;
    private readonly string? _backups;

    public RealTarget()
        : this(NewDatabasePath())
    {
    }

    /// <summary>The service on the SQLite file <paramref name="database"/>, taking its backups (on request) into <paramref name="backups"/>.</summary>
    protected RealTarget(string database, string? backups = null) => (_database, _backups) = (database, backups);

    private RealTarget(double writesPerSecond)
        : this(NewDatabasePath()) => _writesPerSecond = writesPerSecond;

    protected static string NewDatabasePath() => Path.Combine(Path.GetTempPath(), "customers-scenario-tests", $"{Guid.NewGuid():N}", "customers.db");

    public ITarget WithOneWritePerFiveSeconds() => new RealTarget(0.2);

    public HttpClient Http(string? roles = "API_KEY") => FakeTarget.WithRoles(CreateDefaultClient(new ContractValidatingHandler()), roles);

    public CustomerCredentialsClient Client(string roles = "API_KEY") => Client(options => options.Roles = roles);

    public CustomerCredentialsClient Client(Action<CustomerCredentialsClientOptions> configure)
    {
        var services = new ServiceCollection();
        services.AddCustomerCredentialsClient(options =>
            {
                options.BaseAddress = Server.BaseAddress;
                configure(options);
            })
            .ConfigurePrimaryHttpMessageHandler(() => Server.CreateHandler());
        return services.BuildServiceProvider().GetRequiredService<CustomerCredentialsClient>();
    }

    public IDisposable StallWrites()
    {
        _ = Server; // started, so the database exists
        return SqliteWriteLock.Hold(_database);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Sqlite", $"Data Source={_database}");
        builder.UseSetting("Storage:Timeout", "00:00:01"); // a stalled write answers 504 within a second
        if (_backups is not null)
        {
            builder.UseSetting("Storage:Backup:Directory", _backups);
        }

        if (_writesPerSecond is { } rate)
        {
            builder.UseSetting("Limits:Organization:WritesPerSecond", rate.ToString(System.Globalization.CultureInfo.InvariantCulture));
            builder.UseSetting("Limits:Organization:WritesBurst", "1");
        }
    }
}

/// <summary>
/// The real service restored from a backup, as docs/data-lifecycle.md says to restore: a service
/// with data in it takes a backup (its backup job, on request), stops, and a new one starts on a
/// copy of that file.
/// </summary>
public sealed class RestoredTarget : RealTarget
{
    public const string UsernameWrittenBeforeTheBackup = "before.backup@example.com";

    public RestoredTarget()
        : this(RestoreBackup())
    {
    }

    private RestoredTarget((string Database, Guid Customer) restored)
        : base(restored.Database) => CustomerWrittenBeforeTheBackup = restored.Customer;

    public Guid CustomerWrittenBeforeTheBackup { get; }

    private static (string Database, Guid Customer) RestoreBackup()
    {
        var original = NewDatabasePath();
        Guid customer;
        string backup;
        using (var service = new BackedUpTarget(original, Path.Combine(Path.GetDirectoryName(original)!, "backups")))
        {
            var client = service.Client();
            customer = client.CreateCustomerAsync("telco").GetAwaiter().GetResult().Id;
            client.CreateCredentialAsync("telco", customer, UsernameWrittenBeforeTheBackup).GetAwaiter().GetResult();
            backup = service.Services.GetRequiredService<Customers.Server.Storage.Sqlite.SqliteBackup>().TakeBackup();
        }

        var restored = NewDatabasePath();
        Directory.CreateDirectory(Path.GetDirectoryName(restored)!);
        File.Copy(backup, restored);
        return (restored, customer);
    }

    private sealed class BackedUpTarget(string database, string backups) : RealTarget(database, backups);
}

internal sealed class Stall(Action release) : IDisposable
{
    public void Dispose() => release();
}

/// <summary>SQLite's write lock, taken by another connection (BEGIN IMMEDIATE) until disposed: the service's writes wait on it.</summary>
internal static class SqliteWriteLock
{
    public static IDisposable Hold(string database)
    {
        var holder = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={database};Pooling=False");
        holder.Open();
        using (var begin = holder.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE;";
            begin.ExecuteNonQuery();
        }

        return new Stall(() =>
        {
            using (var rollback = holder.CreateCommand())
            {
                rollback.CommandText = "ROLLBACK;";
                rollback.ExecuteNonQuery();
            }

            holder.Dispose();
        });
    }
}
