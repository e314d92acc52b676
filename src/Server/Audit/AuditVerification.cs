namespace Customers.Server.Audit;

/// <summary>What a verification found: how many events it recomputed, and the first that breaks the chain.</summary>
public sealed record AuditVerificationResult(long EventsChecked, long? FirstBroken)
{
    public bool Verified => FirstBroken is null;
}

/// <summary>
/// Recomputes one organization's chain, in sequence order, from its anchor to the last event that
/// <see cref="AuditChainEnds"/> recorded. An event breaks the chain when its sequence is not the next
/// one (an event before it was deleted, or rows were renumbered), when its hash is not the hash of
/// its content linked to the event before it (changed, inserted or reordered), or when the chain
/// ends before or at another hash than the last one recorded (events deleted at the end).
/// </summary>
public sealed class AuditChainCheck(AuditChainEnds ends)
{
    private long _expected = ends.AnchorSequence + 1;
    private string _previousHash = ends.AnchorHash;

    public long Checked { get; private set; }

    public long? FirstBroken { get; private set; }

    /// <summary>Checks the next event read; false once the chain is broken (the rest need not be read).</summary>
    public bool Add(AuditEntry entry)
    {
        if (FirstBroken is not null)
        {
            return false;
        }

        if (entry.Sequence != _expected)
        {
            FirstBroken = _expected;
            return false;
        }

        Checked++;
        if (entry.PreviousHash != _previousHash || AuditChain.HashOf(entry, _previousHash) != entry.Hash)
        {
            FirstBroken = entry.Sequence;
            return false;
        }

        _previousHash = entry.Hash;
        _expected++;
        return true;
    }

    /// <summary>The result once every event up to the last recorded one has been added.</summary>
    public AuditVerificationResult Complete()
    {
        if (FirstBroken is null && (_expected - 1 != ends.LastSequence || _previousHash != ends.LastHash))
        {
            FirstBroken = Math.Min(_expected, ends.LastSequence);
        }

        return new AuditVerificationResult(Checked, FirstBroken);
    }
}
