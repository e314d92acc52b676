using System.Net;
using Customers.Server.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Customers.Server.Tests;

/// <summary>Failures answer their documented status with an ErrorResponse and reveal nothing of the failure.</summary>
public sealed class FailureTests
{
    [Fact]
    public async Task An_unexpected_failure_answers_500_without_internals_and_with_a_trace_id()
    {
        await using var service = new ServiceFactory(null, services => services.AddSingleton<ICustomerStore>(
            new FailingStore(new InvalidOperationException("SELECT secret FROM /var/lib/customers.db"))));
        using var client = service.CreateClient("API_KEY");

        using var response = await client.GetAsync(Api.Credentials(Guid.NewGuid()));

        var error = await Api.AssertErrorAsync(response, HttpStatusCode.InternalServerError, "INTERNAL_ERROR", "server");
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("SELECT", body);
        Assert.DoesNotContain("/var/lib", body);
        Assert.DoesNotContain("InvalidOperationException", body);
        Assert.DoesNotContain(" at ", body);
        var traceId = response.Headers.GetValues("x-trace-id").Single();
        Assert.Contains(traceId, error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_repository_that_cannot_be_reached_answers_503()
    {
        await using var service = new ServiceFactory(null, services => services.AddSingleton<ICustomerStore>(
            new FailingStore(new RepositoryUnavailableException("down", new IOException("disk gone")))));
        using var client = service.CreateClient("API_KEY");

        using var response = await client.PostAsync(Api.Customers(), Api.Json("{}"));

        await Api.AssertErrorAsync(response, HttpStatusCode.ServiceUnavailable, "REPOSITORY_UNAVAILABLE", "server");
    }

    [Fact]
    [Trait("Tier", "Slow")]
    [Trait("Needs", "Time")]
    public async Task A_sqlite_write_lock_held_past_the_timeout_answers_504_and_nothing_is_written()
    {
        await using var service = new ServiceFactory(new() { ["Storage:Timeout"] = "00:00:01" });
        using var client = service.CreateClient("API_KEY");
        var customerId = await Api.CreateCustomerAsync(client);

        // Another process holding SQLite's write lock, as a long migration or a backup would.
        await using (await HoldWriteLockAsync(service.DatabasePath))
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            using var response = await client.PostAsync(Api.Credentials(customerId), Api.Json("""{"username":"locked@example.com"}"""));
            started.Stop();

            await Api.AssertErrorAsync(response, HttpStatusCode.GatewayTimeout, "REPOSITORY_TIMEOUT", "server");
            Assert.InRange(started.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(2)); // README: "within that timeout plus under a second"
        }

        Assert.Empty(await Api.UsernamesAsync(client, customerId));
        await Api.CreateCredentialAsync(client, customerId, "locked@example.com");
    }

    /// <summary>
    /// The bound under a queue, as README states it: while another process holds SQLite's write lock,
    /// every write queued for the writer answers 504 at its own deadline (the timeout plus under a
    /// second), whether the writer is still waiting for the lock or not, and none of them is written
    /// once the lock is released.
    /// </summary>
    [Fact]
    [Trait("Tier", "Slow")]
    [Trait("Needs", "Time")]
    public async Task Writes_queued_behind_a_foreign_sqlite_lock_all_answer_504_within_the_timeout_plus_under_a_second()
    {
        var timeout = TimeSpan.FromSeconds(1);
        await using var service = new ServiceFactory(new() { ["Storage:Timeout"] = timeout.ToString() });
        using var client = service.CreateClient("API_KEY");
        var customerId = await Api.CreateCustomerAsync(client);

        await using (await HoldWriteLockAsync(service.DatabasePath))
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(async i =>
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                using var response = await client.PostAsync(Api.Credentials(customerId), Api.Json($$"""{"username":"queued-{{i}}@example.com"}"""));
                return (response.StatusCode, clock.Elapsed);
            }));

            Assert.All(answers, a => Assert.Equal(HttpStatusCode.GatewayTimeout, a.StatusCode));
            Assert.All(answers, a => Assert.InRange(a.Elapsed, timeout * 0.9, timeout + TimeSpan.FromSeconds(1)));
        }

        await Task.Delay(timeout * 2); // Time for a writer still inside BEGIN to get the lock, if it could write anything.
        Assert.Empty(await Api.UsernamesAsync(client, customerId));
    }

    /// <summary>Expected failures are counted by code on the Meter Customers.Server; an unexpected one is not among them.</summary>
    [Fact]
    public async Task Expected_failures_are_counted_by_error_code_and_unexpected_ones_are_not()
    {
        var counted = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == Customers.Server.Errors.ExpectedFailures.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "error.type")
                {
                    counted.Enqueue((string)tag.Value!);
                }
            }
        });
        listener.Start();
        await using var unavailable = new ServiceFactory(null, services => services.AddSingleton<ICustomerStore>(
            new FailingStore(new RepositoryUnavailableException("down", new IOException("disk gone")))));
        await using var broken = new ServiceFactory(null, services => services.AddSingleton<ICustomerStore>(
            new FailingStore(new InvalidOperationException("a bug"))));

        for (var i = 0; i < 3; i++)
        {
            using var down = await unavailable.CreateClient("API_KEY").GetAsync(Api.Credentials(Guid.NewGuid()));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
            using var bug = await broken.CreateClient("API_KEY").GetAsync(Api.Credentials(Guid.NewGuid()));
            Assert.Equal(HttpStatusCode.InternalServerError, bug.StatusCode);
        }

        Assert.True(counted.Count(c => c == "REPOSITORY_UNAVAILABLE") >= 3, $"counted: {string.Join(", ", counted)}");
        Assert.DoesNotContain("INTERNAL_ERROR", counted);
    }

    internal sealed class FailingStore(Exception failure) : ICustomerStore
    {
        public Task<CreateCustomerResult> CreateCustomerAsync(string orgId, string? externalId, IdempotencyKey? key, CancellationToken cancellationToken) => throw failure;

        public Task<CustomerRecord?> GetCustomerAsync(string orgId, Guid customerId, CancellationToken cancellationToken) => throw failure;

        public Task<CreateCredentialResult> CreateCredentialAsync(string orgId, Guid customerId, string username, IdempotencyKey? key, CancellationToken cancellationToken) => throw failure;

        public Task<IReadOnlyList<CredentialRecord>?> ListCredentialsAsync(string orgId, Guid customerId, CancellationToken cancellationToken) => throw failure;

        public Task<DeleteCredentialOutcome> DeleteCredentialAsync(string orgId, Guid customerId, Guid credentialId, CancellationToken cancellationToken) => throw failure;

        public Task<bool> EraseCustomerAsync(string orgId, Guid customerId, CancellationToken cancellationToken) => throw failure;

        public Task<int> PurgeExpiredKeysAsync(int batchSize, CancellationToken cancellationToken) => throw failure;

        public Task<IReadOnlyList<Customers.Server.Audit.AuditEntry>> ReadAuditEventsAsync(string orgId, long after, int limit, CancellationToken cancellationToken) => throw failure;

        public Task<Customers.Server.Audit.AuditChainEnds> ReadAuditChainEndsAsync(string orgId, CancellationToken cancellationToken) => throw failure;

        public Task<int> PurgeAuditEventsAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken) => throw failure;

        public Task PingAsync(CancellationToken cancellationToken) => throw failure;
    }

    /// <summary>Another process's connection holding SQLite's write lock (BEGIN EXCLUSIVE) until disposed.</summary>
    internal static async Task<SqliteConnection> HoldWriteLockAsync(string databasePath)
    {
        var holder = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        await holder.OpenAsync();
        await using var begin = holder.CreateCommand();
        begin.CommandText = "BEGIN EXCLUSIVE;";
        await begin.ExecuteNonQueryAsync();
        return holder;
    }
}
