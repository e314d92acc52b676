using Customers.Precis;
using System.Text;

namespace Customers.Client.Testing;

/// <summary>The fake's data: customers and credentials per organization, and remembered idempotent creations.</summary>
internal sealed class FakeState
{
    private readonly Dictionary<(string Org, Guid Id), FakeCustomer> _customers = [];
    private readonly Dictionary<(string Org, string Key), RememberedCreation> _creations = [];

    public object Gate { get; } = new();

    public FakeCustomer? Customer(string org, Guid id) => _customers.GetValueOrDefault((org, id));

    public long CustomerCount(string org) => _customers.Keys.LongCount(k => k.Org == org);

    public FakeCustomer AddCustomer(string org, string? externalId, DateTimeOffset now)
    {
        var customer = new FakeCustomer(Guid.CreateVersion7(now), externalId, now);
        _customers[(org, customer.Id)] = customer;
        return customer;
    }

    public bool UsernameTaken(string org, string username)
    {
        var normalized = Normalize(username);
        return _customers.Where(c => c.Key.Org == org).Any(c => c.Value.Credentials.Any(k => Normalize(k.Username) == normalized));
    }

    public RememberedCreation? Remembered(string org, string key, DateTimeOffset now) =>
        _creations.TryGetValue((org, key), out var creation) && now - creation.At < TimeSpan.FromHours(24) ? creation : null;

    public void Remember(string org, string key, RememberedCreation creation) => _creations[(org, key)] = creation;

    /// <summary>
    /// Erases a customer as the service does: the customer, its credentials and the records of their
    /// creation go; the record of the customer's own creation stays, marked, so that its replay
    /// answers the first 201 and creates nothing.
    /// </summary>
    public bool EraseCustomer(string org, Guid id)
    {
        if (!_customers.Remove((org, id), out var customer))
        {
            return false;
        }

        var credentials = customer.Credentials.Select(c => c.Id).ToHashSet();
        foreach (var (key, creation) in _creations.Where(c => c.Key.Org == org).ToList())
        {
            if (credentials.Contains(creation.ResourceId))
            {
                _creations.Remove(key);
            }
            else if (creation.ResourceId == id)
            {
                _creations[key] = creation with { Erased = true };
            }
        }

        return true;
    }

    public void Clear()
    {
        _customers.Clear();
        _creations.Clear();
    }

    // As the real service compares usernames: the PRECIS UsernameCaseMapped key (only valid usernames are stored).
    private static string Normalize(string username) => UsernameCaseMapped.TryEnforce(username, out var key, out _) ? key : username;
}

internal sealed record FakeCustomer(Guid Id, string? ExternalId, DateTimeOffset CreatedAt)
{
    public List<FakeCredential> Credentials { get; } = [];
}

internal sealed record FakeCredential(Guid Id, string Username, DateTimeOffset CreatedAt);

/// <summary>A 201 answered for an Idempotency-Key, with what identifies the request that got it and the resource it created.</summary>
internal sealed record RememberedCreation(string Fingerprint, string Body, DateTimeOffset At, Guid ResourceId)
{
    /// <summary>The customer it created was erased: any request with its key replays it (the request can no longer be compared).</summary>
    public bool Erased { get; init; }
}
