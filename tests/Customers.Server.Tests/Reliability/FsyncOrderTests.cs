using System.Net;
using Customers.Server.Tests.Processes;
using Xunit.Abstractions;

namespace Customers.Server.Tests.Reliability;

/// <summary>
/// "An acknowledged write survives a power loss" on SQLite, as the kernel sees it: the service runs
/// under strace, and no 201 may begin to leave before an fsync of the WAL that completed after its
/// request was read. (A SIGKILL cannot tell: the page cache outlives the process.) The writer
/// commits queued writes in groups, so the check runs one create at a time and under concurrency,
/// where one fsync covers several rows.
/// </summary>
[Collection(ProcessTests.Name)]
[Trait("Tier", "Slow")]
[Trait("Needs", "strace")]
[Trait("Needs", "Processes")]
public sealed class FsyncOrderTests(ITestOutputHelper output)
{
    private const int Creates = 20;

    [SkippableFact]
    public async Task No_201_leaves_before_the_fsync_that_makes_its_row_durable()
    {
        var (creates, covered, _) = await TraceCreatesAsync("Full", writers: 1);

        Assert.Equal(Creates + 1, creates);
        Assert.Equal(creates, covered);
    }

    [SkippableFact]
    public async Task Under_concurrent_creates_grouped_in_one_commit_no_201_leaves_before_its_fsync()
    {
        var (creates, covered, walSyncs) = await TraceCreatesAsync("Full", writers: 8);

        Assert.Equal(8 * (Creates + 1), creates);
        Assert.Equal(creates, covered);
        Assert.True(walSyncs < creates, $"{walSyncs} WAL syncs for {creates} creates: no commit held more than one write, so grouping went untested.");
    }

    /// <summary>The check above can fail: with synchronous=NORMAL, WAL commits are not synced, and it sees that.</summary>
    [SkippableFact]
    public async Task The_check_sees_201s_sent_before_any_fsync_when_commits_are_not_synced()
    {
        var (creates, covered, _) = await TraceCreatesAsync("Normal", writers: 1);

        Assert.Equal(Creates + 1, creates);
        Assert.True(covered < creates / 2, $"{covered} of {creates} creates had an fsync before their 201 with synchronous=NORMAL.");
    }

    // Each writer sends one create at a time on its own connection, so that on each socket a request's
    // read, its fsync and its 201 come in that order.
    private async Task<(int Creates, int Covered, int WalSyncs)> TraceCreatesAsync(string synchronous, int writers)
    {
        var ci = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        Skip.If(SyscallTrace.Unavailable is not null && !ci, $"SKIPPED, NO STRACE: {SyscallTrace.Unavailable}");
        var data = Directory.CreateTempSubdirectory("customers-fsync-").FullName;
        var tracePath = Path.Combine(data, "strace.txt");
        await using (var service = await ServiceProcess.StartAsync(data, new Dictionary<string, string> { ["Storage__SqliteSynchronous"] = synchronous },
                         wrapper: [.. SyscallTrace.Arguments, "-o", tracePath]))
        {
            using var client = service.CreateClient();
            await Task.WhenAll(Enumerable.Range(0, writers).Select(writer => Task.Run(async () =>
            {
                var customerId = await Api.CreateCustomerAsync(client);
                for (var i = 0; i < Creates; i++)
                {
                    using var response = await client.PostAsync(Api.Credentials(customerId), Api.Json($$"""{"username":"synced-{{writer}}-{{i}}@example.com"}"""));
                    Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                }
            })));

            await service.StopWrappedAsync(TimeSpan.FromSeconds(30));
        }

        var trace = SyscallTrace.Read(tracePath);
        var walSyncs = trace.Syncs.Where(s => s.File.EndsWith("customers.db-wal", StringComparison.Ordinal)).Select(s => s.At).ToList();
        var covered = trace.Exchanges().Count(pair => walSyncs.Any(at => at > pair.Read && at < pair.Sent));
        Figures.Report(output, $"{nameof(FsyncOrderTests)} (synchronous={synchronous}, {writers} writers)",
            $"{trace.CreatedSent.Count} × 201 sent, {covered} of them after an fsync of the WAL that completed after their request was read; {walSyncs.Count} WAL syncs in all");
        Directory.Delete(data, recursive: true);
        return (trace.CreatedSent.Count, covered, walSyncs.Count);
    }
}
