using System.Net;
using Customers.Server.Tests.Processes;
using Customers.Server.Tests.Reliability;
using Xunit.Abstractions;

namespace Customers.Server.Tests.Failover;

/// <summary>
/// The failover as deployed: pg_auto_failover's monitor sees the primary's machine gone and
/// promotes the standby by itself, while writers create credentials through the service.
/// </summary>
[Collection(FailoverCollection.Name)]
[Trait("Tier", "Slow")]
[Trait("Needs", "PostgreSQL")]
[Trait("Needs", "Failover")]
[Trait("Needs", "pg_auto_failover")]
[Trait("Needs", "Processes")]
public sealed class ManagedFailoverTests(ITestOutputHelper output)
{
    [SkippableFact]
    public async Task When_the_manager_promotes_the_standby_writes_come_back_within_2_s_and_none_acknowledged_is_lost()
    {
        var ci = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        Skip.If(AutoFailoverFormation.Unavailable is not null && !ci, $"SKIPPED, NO FAILOVER MANAGER: {AutoFailoverFormation.Unavailable}");
        await using var formation = await AutoFailoverFormation.StartAsync();
        await using var service = await ServiceProcess.StartAsync(Directory.CreateTempSubdirectory("customers-paf-service-").FullName, new Dictionary<string, string>
        {
            ["Storage__Provider"] = "Postgres",
            ["ConnectionStrings__Postgres"] = formation.ConnectionString,
            ["Storage__Timeout"] = FailoverShape.Timeout.ToString(),
            [ServiceProcess.UnlimitedCredentials.Key] = ServiceProcess.UnlimitedCredentials.Value,
        });
        using var client = service.CreateClient();
        var load = new FailoverLoad(client, await PrimaryFailoverTests.CustomersAsync(client, 4));
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token);

        await Task.Delay(1500);
        var killedAt = load.Now;
        var killed = await formation.KillPrimaryAsync();
        var survivor = new[] { int.Parse(formation.Values["NODE1_PORT"]), int.Parse(formation.Values["NODE2_PORT"]) }.Single(p => p != killed);
        TimeSpan? promotedAt = null;
        while (load.Now - killedAt < TimeSpan.FromSeconds(30))
        {
            if (promotedAt is null && await AutoFailoverFormation.IsWritableAsync(survivor))
            {
                promotedAt = load.Now;
            }

            if (promotedAt is { } at && load.FirstCreatedAfter(at) is not null)
            {
                break;
            }

            await Task.Delay(50);
        }

        await Task.Delay(1000);
        stop.Cancel();
        await running;

        var answers = load.Creates.ToList();
        var acknowledged = answers.Where(a => a.Status == HttpStatusCode.Created).Select(a => a.Username).ToList();
        var stored = await UsernamesAsync(formation, survivor);
        var recovered = promotedAt is { } p ? load.FirstCreatedAfter(p) : null;
        Figures.Report(output, "failover by pg_auto_failover", $"formation up in {formation.Values.GetValueOrDefault("UP_SECONDS")} s; " +
            $"the manager promoted the standby {Ms(promotedAt - killedAt)} after the kill, the service wrote again {Ms(recovered?.Received - promotedAt)} after that " +
            $"(seen by polling every 50 ms); {acknowledged.Count} acknowledged, {acknowledged.Count(stored.Contains)} found; " +
            $"{answers.Count(a => a.Status == HttpStatusCode.ServiceUnavailable)} × 503, {answers.Count(a => a.Status == HttpStatusCode.GatewayTimeout)} × 504");

        Assert.Empty(load.Errors);
        Assert.Empty(answers.Where(a => a.Status is not (HttpStatusCode.Created or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout))
            .Select(a => $"{(int)a.Status} {a.Code}"));
        Assert.NotNull(promotedAt);
        Assert.NotNull(recovered);
        Assert.True(recovered.Received - promotedAt <= TimeSpan.FromSeconds(2), $"The first 201 came {Ms(recovered.Received - promotedAt)} after the promotion.");
        Assert.Empty(acknowledged.Except(stored));
        Assert.Equal(stored.Count, stored.Distinct().Count());
    }

    private static async Task<List<string>> UsernamesAsync(AutoFailoverFormation formation, int port)
    {
        await using var connection = new Npgsql.NpgsqlConnection($"Host=127.0.0.1;Port={port};Username=postgres;Database={formation.Values["DB_NAME"]};Pooling=false");
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT username FROM credentials;", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var usernames = new List<string>();
        while (await reader.ReadAsync())
        {
            usernames.Add(reader.GetString(0));
        }

        return usernames;
    }

    private static string Ms(TimeSpan? span) => span is { } s ? $"{s.TotalMilliseconds:F0} ms" : "never";
}
