using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Customers.Server.Storage.Sqlite;
using Customers.Server.Tests.Processes;

namespace Customers.Server.Tests.Backup;

/// <summary>
/// Online backups of the embedded default, as an operator relies on them: taken while writes go on,
/// complete and owner-only, the newest kept, and a restore (the service started on a copy of one)
/// holds every write acknowledged before the backup began.
/// </summary>
[Trait("Tier", "Slow")]
[Trait("Needs", "Processes")]
public sealed class SqliteBackupTests
{
    [Fact]
    public async Task A_backup_taken_under_write_load_restores_every_write_acknowledged_before_it_began()
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("Unix file modes: the service runs on Linux.");
        }

        var data = Directory.CreateTempSubdirectory("customers-backup-").FullName;
        var backups = Path.Combine(data, "backups");
        await using var service = await ServiceProcess.StartAsync(data, new Dictionary<string, string>
        {
            ["Storage__Backup__Directory"] = backups, ["Storage__Backup__Interval"] = "00:00:00.400", ["Storage__Backup__Keep"] = "2",
            [ServiceProcess.UnlimitedCredentials.Key] = ServiceProcess.UnlimitedCredentials.Value,
        });
        using var client = service.CreateClient();
        var customerId = await Api.CreateCustomerAsync(client);
        var acknowledged = new ConcurrentBag<(string Username, DateTimeOffset At)>();
        var seen = new HashSet<string>();
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var username = $"w{w}.n{i}@example.com";
                using var response = await client.PostAsync(Api.Credentials(customerId), Api.Json(JsonSerializer.Serialize(new { username })));
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                acknowledged.Add((username, DateTimeOffset.UtcNow));
            }
        })).ToList();

        // Once writes are flowing, they go on while at least two more backups are taken; the newest
        // is copied aside at once.
        for (var waited = Stopwatch.StartNew(); acknowledged.Count < 50 && waited.Elapsed < TimeSpan.FromSeconds(30); await Task.Delay(20))
        {
        }

        seen.UnionWith(SqliteBackup.Backups(backups));
        var before = seen.Count;
        for (var waited = Stopwatch.StartNew(); seen.Count < before + 2 && waited.Elapsed < TimeSpan.FromSeconds(30); await Task.Delay(50))
        {
            foreach (var backup in SqliteBackup.Backups(backups))
            {
                seen.Add(backup);
            }
        }

        var restoreDirectory = Directory.CreateTempSubdirectory("customers-restore-").FullName;
        var newest = SqliteBackup.Backups(backups)[^1];
        File.Copy(newest, Path.Combine(restoreDirectory, "customers.db"));
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        Assert.True(seen.Count >= before + 2, $"Backups taken while writes went on: {seen.Count - before}\n{string.Join('\n', service.Output)}");
        Assert.InRange(SqliteBackup.Backups(backups).Count, 1, 2); // Keep
        Assert.Empty(Directory.GetFiles(backups, "*.partial"));
        foreach (var path in SqliteBackup.Backups(backups))
        {
            Assert.Equal(SqliteFiles.OwnerOnly, File.GetUnixFileMode(path));
        }

        var began = SqliteBackup.StartedAt(newest);
        var acknowledgedBefore = acknowledged.Where(a => a.At < began).Select(a => a.Username).ToList();
        Assert.NotEmpty(acknowledgedBefore);
        Assert.Contains(acknowledged, a => a.At > began); // writes went on after it began

        await using var restored = await ServiceProcess.StartAsync(restoreDirectory);
        using var restoredClient = restored.CreateClient();
        var usernames = (await Api.UsernamesAsync(restoredClient, customerId)).ToHashSet();
        Assert.All(acknowledgedBefore, username => Assert.Contains(username, usernames));
        await Api.CreateCredentialAsync(restoredClient, await Api.CreateCustomerAsync(restoredClient), "after.restore@example.com");
    }

    [Fact]
    public async Task A_failing_backup_is_one_warning_line_and_the_service_stays_ready()
    {
        var data = Directory.CreateTempSubdirectory("customers-backup-").FullName;
        var blocker = Path.Combine(data, "not-a-directory");
        await File.WriteAllTextAsync(blocker, "a file where the backup folder should be");
        await using var service = await ServiceProcess.StartAsync(data, new Dictionary<string, string>
        {
            ["Storage__Backup__Directory"] = Path.Combine(blocker, "backups"), ["Storage__Backup__Interval"] = "00:00:00.200",
        });
        using var client = service.CreateClient();

        string[] warnings = [];
        for (var waited = Stopwatch.StartNew(); warnings.Length == 0 && waited.Elapsed < TimeSpan.FromSeconds(10); await Task.Delay(100))
        {
            warnings = service.Output.Where(line => line.Contains("SQLite backup failed", StringComparison.Ordinal)).ToArray();
        }

        Assert.NotEmpty(warnings);
        Assert.Contains("trying again in", warnings[0]);
        Assert.DoesNotContain(service.Output, line => line.TrimStart().StartsWith("at ", StringComparison.Ordinal)); // no stack trace
        using var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        await Api.CreateCustomerAsync(client);
    }

    [Fact]
    public async Task A_deployed_sqlite_service_without_backups_says_so_at_start()
    {
        var data = Directory.CreateTempSubdirectory("customers-backup-").FullName;
        await using var service = await ServiceProcess.StartAsync(data);

        Assert.Contains(service.Output, line => line.Contains("The SQLite database is not backed up", StringComparison.Ordinal));
    }
}
