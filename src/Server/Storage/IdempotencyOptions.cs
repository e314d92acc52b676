using Customers.Server.Infrastructure;

namespace Customers.Server.Storage;

/// <summary>
/// The secret that keys the fingerprints of idempotency records (HMAC-SHA256), so that a copy of the
/// database cannot be matched against a dictionary of usernames. It lives in the configuration (a
/// secret store), never in the database it protects. Rotation: set the new key and move the old one
/// to <see cref="PreviousFingerprintKey"/> for at least <see cref="IdempotencyKey.Lifetime"/>, so that
/// retries of requests sent before the rotation still replay. Required outside Development
/// (ConfigurationProblems: a rule of the environment, not of the value).
/// </summary>
public sealed class IdempotencyOptions
{
    public const string Section = "Idempotency";

    /// <summary>The smallest key accepted, in bytes (the HMAC-SHA256 block's security level).</summary>
    public const int MinimumKeyBytes = 32;

    /// <summary>Base64 of at least 32 random bytes (<c>head -c 32 /dev/urandom | base64</c>).</summary>
    [Base64Key(MinimumKeyBytes)]
    public string? FingerprintKey { get; set; }

    /// <summary>The key before the last rotation, base64; kept until the records made under it have expired.</summary>
    [Base64Key(MinimumKeyBytes)]
    public string? PreviousFingerprintKey { get; set; }

    internal static byte[]? Decode(string value)
    {
        var bytes = new byte[value.Length];
        return Convert.TryFromBase64String(value.Trim(), bytes, out var written) ? bytes[..written] : null;
    }
}
