using System.Collections.Concurrent;

namespace Customers.Bench;

/// <summary>
/// Lists every seeded customer and writes the credentials the load created ("load-" usernames) as
/// "customer credential" lines: the DELETE scenario removes exactly those, so each round starts
/// from the seeded data again.
/// </summary>
public static class Deletable
{
    public static async Task<int> RunAsync(Uri service, string customersFile, string outFile)
    {
        var (provider, client) = BenchClients.Create(service);
        await using var _ = provider;
        var found = new ConcurrentBag<string>();
        var customers = (await File.ReadAllLinesAsync(customersFile)).Select(Guid.Parse).ToList();
        await Parallel.ForEachAsync(customers, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (customer, cancellationToken) =>
        {
            foreach (var credential in await client.ListCredentialsAsync(Seeder.Org, customer, cancellationToken))
            {
                if (credential.Username.StartsWith("load-", StringComparison.Ordinal))
                {
                    found.Add($"{customer} {credential.Id}");
                }
            }
        });
        await File.WriteAllLinesAsync(outFile, found);
        return 0;
    }
}
