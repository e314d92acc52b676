namespace Customers.Server.Storage;

/// <summary>
/// A client's Idempotency-Key with the fingerprint of the request it came with (made by
/// <see cref="IdempotencyFingerprints"/>). Within an organization and for <see cref="Lifetime"/>, the
/// same key and fingerprint replay the first creation; the same key with another fingerprint is refused.
/// </summary>
/// <param name="Fingerprint">What is stored: the request's fingerprint under the current key.</param>
/// <param name="AlsoAccepted">Fingerprints of the same request that records written earlier may hold (under the previous key).</param>
public sealed record IdempotencyKey(string Value, string Fingerprint, IReadOnlyList<string> AlsoAccepted)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    /// <summary>
    /// What an erasure leaves in the record of the customer's creation instead of its fingerprint:
    /// the record then holds ids only. A createCustomer with that key replays its first 201 (the
    /// erased id) and creates nothing; the request can no longer be compared, so any body replays.
    /// </summary>
    public const string ErasedCustomer = "erased customer";

    /// <summary>Whether a stored fingerprint is this request's, made under the current or the previous key.</summary>
    public bool Matches(string stored) => stored == Fingerprint || AlsoAccepted.Contains(stored);
}
