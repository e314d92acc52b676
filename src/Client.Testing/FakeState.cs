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

/// <summary>A 201 answered for an Idempotency-Key, with what identifies the request that got it.</summary>
internal sealed record RememberedCreation(string Fingerprint, string Body, DateTimeOffset At);
