using System.Diagnostics;
using Customers.Client;
using Customers.Server.Tests.Postgres;
using Customers.Server.Tests.Reliability;
using Xunit.Abstractions;

namespace Customers.Server.Tests.Failover;

/// <summary>
/// What a caller sees of a failover: Customers.Client with its default options, in a loop of
/// creates, lists and deletes, while the primary dies and its standby is promoted.
/// </summary>
[Collection(FailoverCollection.Name)]
[Trait("Tier", "Slow")]
[Trait("Needs", "PostgreSQL")]
[Trait("Needs", "Failover")]
public sealed class ClientAcrossFailoverTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task A_caller_loop_of_creates_lists_and_deletes_sees_no_error_and_no_duplicate_across_a_failover()
    {
        PostgresRequirement.SkipIfUnavailable();
        await using var shape = await FailoverShape.StartAsync();
        var client = CustomerCredentialsClient.Create(options => options.BaseAddress = shape.Service.BaseAddress);
        var customers = await Task.WhenAll(Enumerable.Range(0, 3).Select(async _ => (await client.CreateCustomerAsync(Api.Org)).Id));
        var errors = new List<string>();
        var rounds = 0;
        var clock = Stopwatch.StartNew();
        var slowest = TimeSpan.Zero;
        using var stop = new CancellationTokenSource();

        async Task CallerAsync(Guid customer, int caller)
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var started = clock.Elapsed;
                try
                {
                    var username = $"caller-{caller}-{i}@example.com";
                    var created = await client.CreateCredentialAsync(Api.Org, customer, username);
                    var listed = await client.ListCredentialsAsync(Api.Org, customer);
                    if (listed.Count(c => c.Username == username) != 1 || listed.Count != 1)
                    {
                        lock (errors) errors.Add($"round {i}: listed {string.Join(", ", listed.Select(c => c.Username))}");
                    }

                    await client.DeleteCredentialAsync(Api.Org, customer, created.Id);
                    if ((await client.ListCredentialsAsync(Api.Org, customer)).Count != 0)
                    {
                        lock (errors) errors.Add($"round {i}: not empty after the delete");
                    }

                    Interlocked.Increment(ref rounds);
                }
                catch (CustomerCredentialsException exception)
                {
                    lock (errors) errors.Add($"round {i}: {exception.Status} {exception.ErrorCode} {exception.Kind}: {exception.Message}");
                }

                var took = clock.Elapsed - started;
                lock (errors) slowest = took > slowest ? took : slowest;
            }
        }

        var callers = Task.WhenAll(customers.Select((customer, caller) => Task.Run(() => CallerAsync(customer, caller))));
        await Task.Delay(1500);
        shape.Primary.Kill();
        var killedAt = clock.Elapsed;
        await Task.Delay(1000);
        await shape.Standby.PromoteAsync();
        var roundsAtPromotion = rounds;
        await Task.Delay(5000);
        stop.Cancel();
        await callers;

        var left = await shape.UsernamesOnAsync(shape.Standby);
        Figures.Report(output, "failover, through Customers.Client", $"{rounds} rounds of create, list, delete, list ({rounds - roundsAtPromotion} after the promotion), " +
            $"{errors.Count} errors, {left.Count} credentials left, slowest round {slowest.TotalMilliseconds:F0} ms (the primary was killed at {killedAt.TotalMilliseconds:F0} ms)");

        Assert.Empty(errors);
        Assert.Empty(left);
        Assert.True(rounds - roundsAtPromotion > 0, "No round completed after the promotion.");
    }
}
