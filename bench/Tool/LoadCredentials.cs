using System.Collections.Concurrent;

namespace Customers.Bench;

/// <summary>
/// The credentials the load created ("load-" usernames): listed for the scenarios that delete
/// (`deletable`), and removed untimed at the end of each round (`cleanup`), so that every round
/// measures the seeded data: 10k customers with 3 credentials each.
/// </summary>
public static class LoadCredentials
{
    private static readonly ParallelOptions Sixteen = new() { MaxDegreeOfParallelism = 16 };

    /// <summary>Writes them as "customer credential" lines.</summary>
    public static async Task<int> WriteAsync(Uri service, string customersFile, string outFile)
    {
        var found = await FindAsync(service, customersFile);
        await File.WriteAllLinesAsync(outFile, found.Select(c => $"{c.Customer} {c.Credential}"));
        return 0;
    }

    public static async Task<int> DeleteAllAsync(Uri service, string customersFile)
    {
        var found = await FindAsync(service, customersFile);
        var (provider, client) = BenchClients.Create(service);
        await using var _ = provider;
        await Parallel.ForEachAsync(found, Sixteen, async (c, cancellationToken) =>
            await client.DeleteCredentialAsync(Seeder.Org, c.Customer, c.Credential, cancellationToken: cancellationToken));
        return 0;
    }

    private static async Task<List<(Guid Customer, Guid Credential)>> FindAsync(Uri service, string customersFile)
    {
        var (provider, client) = BenchClients.Create(service);
        await using var _ = provider;
        var found = new ConcurrentBag<(Guid, Guid)>();
        var customers = (await File.ReadAllLinesAsync(customersFile)).Select(Guid.Parse).ToList();
        await Parallel.ForEachAsync(customers, Sixteen, async (customer, cancellationToken) =>
        {
            foreach (var credential in await client.ListCredentialsAsync(Seeder.Org, customer, cancellationToken: cancellationToken))
            {
                if (credential.Username.StartsWith("load-", StringComparison.Ordinal))
                {
                    found.Add((customer, credential.Id));
                }
            }
        });
        return [.. found];
    }
}
