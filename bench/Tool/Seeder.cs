using System.Collections.Concurrent;
using System.Diagnostics;

namespace Customers.Bench;

/// <summary>
/// Fills a running service through its own API (so both providers get identical data) and writes
/// the ids the wrk scripts pick from: customers.txt (one id a line) and credentials.txt
/// ("customer credential" a line).
/// </summary>
public static class Seeder
{
    public const string Org = "bench";

    public static async Task<int> RunAsync(Uri service, int customers, int credentialsPerCustomer, string outDirectory)
    {
        var (provider, client) = BenchClients.Create(service);
        await using var _ = provider;
        var customerIds = new ConcurrentBag<Guid>();
        var credentials = new ConcurrentBag<(Guid Customer, Guid Credential)>();
        var clock = Stopwatch.StartNew();

        await Parallel.ForAsync(0, customers, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, cancellationToken) =>
        {
            var customer = await client.CreateCustomerAsync(Org, $"CRM-{i:D6}", cancellationToken: cancellationToken);
            customerIds.Add(customer.Id);
            for (var k = 0; k < credentialsPerCustomer; k++)
            {
                var created = await client.CreateCredentialAsync(Org, customer.Id, $"user-{i:D6}-{k}@bench.example.com", cancellationToken: cancellationToken);
                credentials.Add((customer.Id, created.Id));
            }
        });

        Directory.CreateDirectory(outDirectory);
        await File.WriteAllLinesAsync(Path.Combine(outDirectory, "customers.txt"), customerIds.Select(id => id.ToString()));
        await File.WriteAllLinesAsync(Path.Combine(outDirectory, "credentials.txt"), credentials.Select(c => $"{c.Customer} {c.Credential}"));
        var writes = customers * (1 + credentialsPerCustomer);
        Console.WriteLine($"seeded {customers} customers, {credentials.Count} credentials: {writes} writes in {clock.Elapsed.TotalSeconds:F1} s ({writes / clock.Elapsed.TotalSeconds:F0}/s)");
        return 0;
    }
}
