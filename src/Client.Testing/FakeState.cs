using Customers.Client.Models;
using Customers.Precis;
using System.Text;

namespace Customers.Client.Testing;

/// <summary>The fake's data: customers and credentials per organization, and remembered idempotent creations.</summary>
internal sealed class FakeState
{
    private readonly Dictionary<(string Org, Guid Id), FakeCustomer> _customers = [];
    private readonly Dictionary<(string Org, string Key), RememberedCreation> _creations = [];
    private readonly Dictionary<string, List<AuditEvent>> _audit = [];

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

    /// <summary>The organization's audit events, oldest first.</summary>
    public IReadOnlyList<AuditEvent> AuditEvents(string org) => _audit.GetValueOrDefault(org) ?? [];

    /// <summary>
    /// One audit event per change, numbered per organization from 1. The hash links each event to the
    /// one before it as the service's does, but over the fake's own text of the event: the fake's
    /// chain is not meant to be verified by recomputing it.
    /// </summary>
    public void Record(string org, FakeAdmitted change, Guid customerId, Guid? credentialId, DateTimeOffset now)
    {
        var events = _audit.TryGetValue(org, out var list) ? list : _audit[org] = [];
        var previous = events.Count > 0 ? events[^1].Hash : new string('0', 64);
        var sequence = events.Count + 1L;
        var text = $"{previous}|{sequence}|{change.Operation.Id}|{customerId}|{credentialId}|{now:O}|{change.Request.IdempotencyKey}";
        events.Add(new AuditEvent
        {
            Sequence = sequence,
            OccurredAt = now,
            Operation = change.Operation.Id,
            CustomerId = customerId,
            CredentialId = credentialId,
            Actor = change.Actor,
            TraceId = null,
            IdempotencyKey = change.Request.IdempotencyKey,
            Hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text))),
        });
    }

    public void Clear()
    {
        _customers.Clear();
        _creations.Clear();
        _audit.Clear();
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
