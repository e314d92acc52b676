using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Customers.Server.Tests.Failover;
using Customers.Server.Tests.Processes;
using Customers.Server.Tests.Reliability;
using Xunit.Abstractions;

namespace Customers.Server.Tests.Backup;

/// <summary>
/// The restore drill of deploy/pgbackrest on the pg_auto_failover shape: WAL archived from the
/// primary and, after a failover, from the promoted standby; a mistaken erasure; a point-in-time
/// restore to just before it, checked through the service as a user would.
/// </summary>
[Collection(FailoverCollection.Name)]
[Trait("Tier", "Slow")]
[Trait("Needs", "PostgreSQL")]
[Trait("Needs", "Failover")]
[Trait("Needs", "pg_auto_failover")]
[Trait("Needs", "pgBackRest")]
[Trait("Needs", "Processes")]
public sealed class PgBackRestDrillTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Margin = TimeSpan.FromMilliseconds(300);

    [Fact]
    public async Task A_restore_to_just_before_a_mistaken_erasure_brings_the_customer_and_its_credentials_back_with_every_write_acknowledged_before_it_across_a_failover()
    {
        // Not skipped anywhere: .ci/run installs both, and a drill that never runs proves nothing.
        Assert.True(PgBackRestRepository.Unavailable is null, PgBackRestRepository.Unavailable);
        Assert.True(AutoFailoverFormation.Unavailable is null, AutoFailoverFormation.Unavailable);
        var clock = Stopwatch.StartNew();

        await using var repository = await PgBackRestRepository.CreateAsync();
        await using var formation = await AutoFailoverFormation.StartAsync(new Dictionary<string, string> { ["PAF_INCLUDE"] = repository.ArchiveSettings });
        await repository.AttachAsync(formation.Values["DIR"]);
        var full = await repository.BackupAsync("full");

        using var serviceFolder = new TemporaryFolder("customers-pgbackrest-service-");
        var acknowledged = new Dictionary<Guid, List<Written>>();
        var victim = Guid.Empty;
        var other = Guid.Empty;
        DateTime target;
        Written late;
        int killedPort;
        await using (var service = await ServiceProcess.StartAsync(serviceFolder.Path, Settings(formation.ConnectionString)))
        {
            using var client = service.CreateClient();
            victim = await CreateCustomerAsync(client);
            other = await CreateCustomerAsync(client);
            acknowledged[victim] = [];
            acknowledged[other] = [];
            for (var i = 0; i < 3; i++)
            {
                acknowledged[victim].Add(await CreateCredentialAsync(client, victim, $"victim.{i}.{Guid.NewGuid():N}@example.com"));
                acknowledged[other].Add(await CreateCredentialAsync(client, other, $"other.{i}.{Guid.NewGuid():N}@example.com"));
            }

            // The primary's machine is lost; the manager promotes the standby, which must archive
            // from then on: the writes below reach the repository only through it.
            killedPort = await formation.KillPrimaryAsync();
            acknowledged[victim].Add(await CreateCredentialAsync(client, victim, $"victim.after-failover.{Guid.NewGuid():N}@example.com"));
            acknowledged[other].Add(await CreateCredentialAsync(client, other, $"other.after-failover.{Guid.NewGuid():N}@example.com"));

            await Task.Delay(Margin);
            target = DateTime.UtcNow;
            await Task.Delay(Margin);

            // The mistake: the wrong customer erased (eraseCustomer), credentials and all.
            using (var erase = await client.DeleteAsync($"{Api.Customers()}/{victim}"))
            {
                Assert.Equal(HttpStatusCode.NoContent, erase.StatusCode);
            }

            using (var erased = await client.GetAsync(Api.Credentials(victim)))
            {
                await Api.AssertErrorAsync(erased, HttpStatusCode.NotFound, "CUSTOMER_NOT_FOUND");
            }

            late = await CreateCredentialAsync(client, other, $"other.after-target.{Guid.NewGuid():N}@example.com");
        }

        // Backups go on from the promoted node too (the runbook takes one after every failover).
        // It ended after the target, so the restore must not start from it.
        var afterFailover = await repository.BackupAsync("incr");

        var drill = await repository.RestoreDrillAsync(target, FreePort.Next());
        await using (var restored = await ServiceProcess.StartAsync(serviceFolder.Path, Settings(drill["CONNECTION_STRING"])))
        {
            using var client = restored.CreateClient();
            using var customer = await client.GetAsync($"{Api.Customers()}/{victim}");
            Assert.Equal(HttpStatusCode.OK, customer.StatusCode);
            var victimNow = await Api.UsernamesAsync(client, victim);
            var otherNow = await Api.UsernamesAsync(client, other);
            Figures.Report(output, "pgBackRest restore drill", $"whole drill {clock.Elapsed.TotalSeconds:F0} s; full backup {full["BACKUP_SECONDS"]} s, " +
                $"incremental after the failover {afterFailover["BACKUP_SECONDS"]} s; " +
                $"restore to the target and promotion {drill["RESTORE_SECONDS"]} s from backup {drill["RESTORED_BACKUP"]} onto timeline {drill["TIMELINE"]} " +
                $"(primary on port {killedPort} killed before the last writes); {drill["RECOVERY_STOP"]}");

            Assert.Equal(full["BACKUP_LABEL"], drill["RESTORED_BACKUP"]);
            Assert.Equal(acknowledged[victim].Select(c => c.Username).Order(), victimNow.Order());
            Assert.Empty(acknowledged[other].Select(c => c.Username).Except(otherNow));
            Assert.DoesNotContain(late.Username, otherNow);
        }
    }

    private sealed record Written(Guid Id, string Username);

    /// <summary>The service's working folder, deleted also when the test fails.</summary>
    private sealed class TemporaryFolder(string prefix) : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }

    private static Dictionary<string, string> Settings(string connectionString) => new()
    {
        ["Storage__Provider"] = "Postgres",
        ["ConnectionStrings__Postgres"] = connectionString,
    };

    private static async Task<Guid> CreateCustomerAsync(HttpClient client) =>
        (await PostUntilCreatedAsync(client, Api.Customers(), "{}")).GetProperty("id").GetGuid();

    private static async Task<Written> CreateCredentialAsync(HttpClient client, Guid customer, string username)
    {
        var body = await PostUntilCreatedAsync(client, Api.Credentials(customer), JsonSerializer.Serialize(new Dictionary<string, string> { ["username"] = username }));
        return new Written(body.GetProperty("id").GetGuid(), username);
    }

    /// <summary>
    /// A write acknowledged (201), sent again with the same Idempotency-Key while the answer is
    /// 503 or 504 (the primary is being replaced): only a 201 counts as acknowledged.
    /// </summary>
    private static async Task<JsonElement> PostUntilCreatedAsync(HttpClient client, string path, string json)
    {
        var key = Guid.NewGuid().ToString();
        for (var waited = Stopwatch.StartNew(); ; await Task.Delay(200))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Api.Json(json) };
            request.Headers.Add("Idempotency-Key", key);
            using var response = await client.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.Created)
            {
                return await Api.ReadAsync(response);
            }

            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout && waited.Elapsed < TimeSpan.FromSeconds(60),
                $"POST {path} answered {(int)response.StatusCode} after {waited.Elapsed.TotalSeconds:F1} s: {text}");
        }
    }
}
