using System.Net;
using System.Text;

namespace Customers.Server.Tests.Erasure;

/// <summary>
/// An erased or deleted username is gone from the SQLite files themselves (database and WAL), not
/// only from query results: the bytes are searched as someone holding a copy of the files would.
/// </summary>
public sealed class SecureDeletionTests
{
    [Fact]
    public async Task An_erased_customers_usernames_are_in_no_page_of_the_database_or_its_wal()
    {
        await using var service = new ServiceFactory();
        using var client = service.CreateClient("API_KEY");
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var customerId = await Api.CreateCustomerAsync(client);
        string[] usernames = [$"erase.me.{suffix}@example.com", $"also.{suffix}@example.com"];
        foreach (var username in usernames)
        {
            await Api.CreateCredentialAsync(client, customerId, username);
        }

        Assert.True(Occurrences(service.DatabasePath, usernames[0]) > 0, "The search must find a username that is stored.");

        using var erased = await client.DeleteAsync($"{Api.Customers()}/{customerId}");
        Assert.Equal(HttpStatusCode.NoContent, erased.StatusCode);

        // While the service runs: the writer truncates the WAL right after it answered the erasure.
        await WaitUntilGoneAsync(service.DatabasePath, usernames);
        await service.DisposeAsync();
        AssertGone(service.DatabasePath, usernames);
    }

    [Fact]
    public async Task A_deleted_credentials_username_is_in_no_page_of_the_database_or_its_wal()
    {
        await using var service = new ServiceFactory();
        using var client = service.CreateClient("API_KEY");
        var customerId = await Api.CreateCustomerAsync(client);
        var username = $"erase.me.{Guid.NewGuid():N}@example.com";
        var credentialId = (await Api.CreateCredentialAsync(client, customerId, username)).GetProperty("id").GetGuid();
        await Api.CreateCredentialAsync(client, customerId, $"kept.{Guid.NewGuid():N}@example.com");
        Assert.True(Occurrences(service.DatabasePath, username) > 0, "The search must find a username that is stored.");

        using var deleted = await client.DeleteAsync($"{Api.Credentials(customerId)}/{credentialId}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);

        await WaitUntilGoneAsync(service.DatabasePath, username);
        await service.DisposeAsync();
        AssertGone(service.DatabasePath, username);
    }

    private static async Task WaitUntilGoneAsync(string databasePath, params string[] usernames)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(10); DateTime.UtcNow < deadline && usernames.Any(u => Occurrences(databasePath, u) > 0);)
        {
            await Task.Delay(50);
        }

        AssertGone(databasePath, usernames);
    }

    private static void AssertGone(string databasePath, params string[] usernames)
    {
        foreach (var path in new[] { databasePath, databasePath + "-wal" })
        {
            foreach (var username in usernames)
            {
                var found = InFile(path, username);
                Assert.True(found == 0, $"{Path.GetFileName(path)} holds {username} {found} times");
            }
        }
    }

    /// <summary>How often <paramref name="text"/> appears in the database file and its WAL, as grep -a would find it.</summary>
    private static int Occurrences(string databasePath, string text) =>
        InFile(databasePath, text) + InFile(databasePath + "-wal", text);

    private static int InFile(string path, string text)
    {
        var needle = Encoding.UTF8.GetBytes(text);
        var count = 0;
        if (File.Exists(path))
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            for (var span = bytes.AsSpan(); span.IndexOf(needle) is var at and >= 0; span = span[(at + needle.Length)..])
            {
                count++;
            }
        }

        return count;
    }
}
