using System.Globalization;
using Customers.Server.Audit;
using Customers.Server.Contract;
using Customers.Server.Endpoints;

namespace Customers.Server.Apis;

/// <summary>The "Audit" operations: reading the trail as a change feed, and verifying its chain.</summary>
public sealed partial class CustomersV4Operations
{
    private const int MaxAuditPage = 100;

    public override async Task<ContractResult<AuditEventPage>> ListAuditEvents(string org_id, string? after, string? limit, CancellationToken cancellationToken)
    {
        // The contract's patterns have checked both: digits, and 1 to 100. A cursor past long's range is past every event.
        var from = after is null ? 0 : long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out var cursor) ? cursor : long.MaxValue;
        var size = limit is null ? MaxAuditPage : int.Parse(limit, NumberStyles.None, CultureInfo.InvariantCulture);
        var entries = await _store.ReadAuditEventsAsync(org_id, from, size, cancellationToken);
        return new AuditEventPage
        {
            Events = entries.Select(Event).ToList(),
            // A short page is the end for now; a full one may be followed by more.
            Next = entries.Count == size ? entries[^1].Sequence.ToString(CultureInfo.InvariantCulture) : null,
        };
    }

    public override async Task<ContractResult<AuditVerification>> VerifyAuditTrail(string org_id, CancellationToken cancellationToken)
    {
        var result = await new AuditVerifier(_store).VerifyAsync(org_id, cancellationToken);
        return new AuditVerification { Verified = result.Verified, EventsChecked = result.EventsChecked, FirstBroken = result.FirstBroken };
    }

    private static AuditEvent Event(AuditEntry entry) => new()
    {
        Sequence = entry.Sequence,
        OccurredAt = entry.OccurredAt,
        Operation = entry.Operation,
        CustomerId = entry.CustomerId,
        CredentialId = entry.CredentialId,
        Actor = new AuditActor { Subject = entry.Caller.Subject, Client = entry.Caller.Client, Roles = entry.Caller.Roles.ToList() },
        TraceId = entry.TraceId,
        IdempotencyKey = entry.IdempotencyKey,
        Hash = entry.Hash,
    };
}
