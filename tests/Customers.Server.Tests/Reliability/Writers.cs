using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

namespace Customers.Server.Tests.Reliability;

/// <summary>
/// Concurrent writers creating credentials with unique usernames until stopped or until the
/// service goes away; remembers every credential whose 201 reached the client.
/// </summary>
public sealed class Writers(HttpClient client, IReadOnlyList<Guid> customers)
{
    public ConcurrentDictionary<Guid, (Guid Customer, string Username)> Acknowledged { get; } = new();

    public int Failed => _failed;

    /// <summary>Creates refused 409 USERNAME_TAKEN: a shared username another writer had taken.</summary>
    public int Taken => _taken;

    private int _failed;
    private int _taken;

    public Task RunAsync(int writers, CancellationToken stop) => Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
    {
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var customer = customers[(w + i) % customers.Count];
            // Every fourth create tries one of 40 usernames that every writer tries, in its own letter
            // case: if the service ever stored one twice (a crash between the check and the write, a
            // lost unique index), the duplicate check after the restart would see it.
            var shared = i % 4 == 3;
            var username = shared
                ? (w % 2 == 0 ? $"shared-{i / 4 % 40}@example.com" : $"SHARED-{i / 4 % 40}@Example.com")
                : $"w{w}-{i}-{Guid.NewGuid():N}"[..30] + "@example.com";
            try
            {
                using var response = await client.PostAsync(Api.Credentials(customer), Api.Json(JsonSerializer.Serialize(new Dictionary<string, string> { ["username"] = username })), CancellationToken.None);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    var id = (await Api.ReadAsync(response)).GetProperty("id").GetGuid();
                    Acknowledged[id] = (customer, username);
                }
                else if (shared && response.StatusCode == HttpStatusCode.Conflict)
                {
                    Interlocked.Increment(ref _taken);
                }
                else
                {
                    Interlocked.Increment(ref _failed);
                }
            }
            catch (HttpRequestException)
            {
                return; // The service is gone (killed or stopped): this writer is done.
            }
        }
    })));

    /// <summary>Every credential the service now lists for the customers, by id (throws on a duplicate id).</summary>
    public static async Task<Dictionary<Guid, (Guid Customer, string Username)>> ListAllAsync(HttpClient client, IEnumerable<Guid> customers)
    {
        var all = new Dictionary<Guid, (Guid, string)>();
        foreach (var customer in customers)
        {
            using var response = await client.GetAsync(Api.Credentials(customer));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            foreach (var credential in (await Api.ReadAsync(response)).GetProperty("credentials").EnumerateArray())
            {
                var username = credential.GetProperty("username").GetString();
                Assert.False(string.IsNullOrEmpty(username), $"A partial row: {credential}");
                Assert.True(credential.GetProperty("created_at").TryGetDateTimeOffset(out _), $"A partial row: {credential}");
                all.Add(credential.GetProperty("id").GetGuid(), (customer, username!));
            }
        }

        return all;
    }
}
