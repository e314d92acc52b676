using Customers.Server.Storage;

namespace Customers.Server.Audit;

/// <summary>
/// Verifies an organization's trail through the store: the chain's ends first, then the events
/// from the anchor up to the last one recorded, a page at a time. Events written meanwhile lie
/// beyond that last one and wait for the next verification. A purge that moved the anchor while
/// the events were read makes the oldest look deleted; the check then runs again from the new anchor.
/// </summary>
public sealed class AuditVerifier(ICustomerStore store)
{
    private const int PageSize = 1000;
    private const int Attempts = 3;

    public async Task<AuditVerificationResult> VerifyAsync(string orgId, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var ends = await store.ReadAuditChainEndsAsync(orgId, cancellationToken);
            var result = await CheckAsync(orgId, ends, cancellationToken);
            if (result.Verified || attempt == Attempts
                || (await store.ReadAuditChainEndsAsync(orgId, cancellationToken)).AnchorSequence == ends.AnchorSequence)
            {
                return result;
            }
        }
    }

    private async Task<AuditVerificationResult> CheckAsync(string orgId, AuditChainEnds ends, CancellationToken cancellationToken)
    {
        var check = new AuditChainCheck(ends);
        var after = ends.AnchorSequence;
        while (after < ends.LastSequence)
        {
            var page = await store.ReadAuditEventsAsync(orgId, after, PageSize, cancellationToken);
            foreach (var entry in page)
            {
                if (entry.Sequence > ends.LastSequence || !check.Add(entry))
                {
                    return check.Complete();
                }
            }

            if (page.Count < PageSize)
            {
                break;
            }

            after = page[^1].Sequence;
        }

        return check.Complete();
    }
}
