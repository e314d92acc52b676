using System.Net;
using Customers.Server.Storage;
using Customers.Server.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Customers.Server.Tests.Limits;

/// <summary>/health/ready needs no roles, so it must not be a way to keep the database busy: at most one probe a second.</summary>
public sealed class ReadinessProbeTests
{
    [Fact]
    [Trait("Tier", "Slow")]
    [Trait("Needs", "Time")]
    public async Task A_storm_of_readiness_calls_costs_the_database_one_probe_a_second()
    {
        CountingPings? store = null;
        await using var service = new ServiceFactory(services: services => services.AddSingleton<ICustomerStore>(provider =>
            store = new CountingPings(provider.GetRequiredService<SqliteCustomerStore>())));
        using var client = service.CreateClient(roles: null);
        using (var first = await client.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        var before = store!.Pings;
        var storm = await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
        {
            using var response = await client.GetAsync("/health/ready");
            return response.StatusCode;
        }));
        var duringStorm = store.Pings - before;
        await Task.Delay(RepositoryHealthCheck.CacheFor + TimeSpan.FromMilliseconds(100));
        using var later = await client.GetAsync("/health/ready");

        Assert.All(storm, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.InRange(duringStorm, 0, 2); // the storm may straddle the end of one cached second
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
        Assert.True(store.Pings > before + duringStorm, "After the cached second a new probe runs.");
    }

    /// <summary>The real SQLite store, counting its pings.</summary>
    private sealed class CountingPings(ICustomerStore real) : ICustomerStore
    {
        private int _pings;

        public int Pings => Volatile.Read(ref _pings);

        public Task PingAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _pings);
            return real.PingAsync(cancellationToken);
        }

        public Task<CreateCustomerResult> CreateCustomerAsync(string orgId, string? externalId, IdempotencyKey? key, CancellationToken cancellationToken) =>
            real.CreateCustomerAsync(orgId, externalId, key, cancellationToken);

        public Task<CustomerRecord?> GetCustomerAsync(string orgId, Guid customerId, CancellationToken cancellationToken) =>
            real.GetCustomerAsync(orgId, customerId, cancellationToken);

        public Task<CreateCredentialResult> CreateCredentialAsync(string orgId, Guid customerId, string username, IdempotencyKey? key, CancellationToken cancellationToken) =>
            real.CreateCredentialAsync(orgId, customerId, username, key, cancellationToken);

        public Task<IReadOnlyList<CredentialRecord>?> ListCredentialsAsync(string orgId, Guid customerId, CancellationToken cancellationToken) =>
            real.ListCredentialsAsync(orgId, customerId, cancellationToken);

        public Task<DeleteCredentialOutcome> DeleteCredentialAsync(string orgId, Guid customerId, Guid credentialId, CancellationToken cancellationToken) =>
            real.DeleteCredentialAsync(orgId, customerId, credentialId, cancellationToken);

        public Task<bool> EraseCustomerAsync(string orgId, Guid customerId, CancellationToken cancellationToken) =>
            real.EraseCustomerAsync(orgId, customerId, cancellationToken);

        public Task<IReadOnlyList<Customers.Server.Audit.AuditEntry>> ReadAuditEventsAsync(string orgId, long after, int limit, CancellationToken cancellationToken) =>
            real.ReadAuditEventsAsync(orgId, after, limit, cancellationToken);

        public Task<Customers.Server.Audit.AuditChainEnds> ReadAuditChainEndsAsync(string orgId, CancellationToken cancellationToken) =>
            real.ReadAuditChainEndsAsync(orgId, cancellationToken);

        public Task<int> PurgeAuditEventsAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken) =>
            real.PurgeAuditEventsAsync(cutoff, batchSize, cancellationToken);

        public Task<int> PurgeExpiredKeysAsync(int batchSize, CancellationToken cancellationToken) =>
            real.PurgeExpiredKeysAsync(batchSize, cancellationToken);
    }
}
