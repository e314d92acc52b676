namespace Customers.Server.Storage;

/// <summary>
/// The secret that keys the fingerprints of idempotency records (HMAC-SHA256), so that a copy of the
/// database cannot be matched against a dictionary of usernames. It lives in the configuration (a
/// secret store), never in the database it protects. Rotation: set the new key and move the old one
/// to <see cref="PreviousFingerprintKey"/> for at least <see cref="IdempotencyKey.Lifetime"/>, so that
/// retries of requests sent before the rotation still replay. Required outside Development.
/// </summary>
public sealed class IdempotencyOptions
{
    public const string Section = "Idempotency";

    /// <summary>The smallest key accepted, in bytes (the HMAC-SHA256 block's security level).</summary>
    public const int MinimumKeyBytes = 32;

    /// <summary>Base64 of at least 32 random bytes (<c>head -c 32 /dev/urandom | base64</c>).</summary>
    public string? FingerprintKey { get; set; }

    /// <summary>The key before the last rotation, base64; kept until the records made under it have expired.</summary>
    public string? PreviousFingerprintKey { get; set; }

    /// <summary>
    /// The first problem with the keys, or null. Outside Development a key is required; Development
    /// uses <see cref="IdempotencyFingerprints.DevelopmentKey"/> without one.
    /// </summary>
    public string? Problem(bool isDevelopment)
    {
        if (FingerprintKey is null && !isDevelopment)
        {
            return $"{Section}:{nameof(FingerprintKey)} is required outside Development: base64 of at least {MinimumKeyBytes} random bytes (head -c 32 /dev/urandom | base64), from a secret store.";
        }

        foreach (var (name, value) in new[] { (nameof(FingerprintKey), FingerprintKey), (nameof(PreviousFingerprintKey), PreviousFingerprintKey) })
        {
            if (value is not null && (Decode(value) is not { } bytes || bytes.Length < MinimumKeyBytes))
            {
                return $"{Section}:{name} must be base64 of at least {MinimumKeyBytes} bytes.";
            }
        }

        return null;
    }

    internal static byte[]? Decode(string value)
    {
        var bytes = new byte[value.Length];
        return Convert.TryFromBase64String(value.Trim(), bytes, out var written) ? bytes[..written] : null;
    }
}
