using System.Security.Cryptography;
using System.Text;

namespace Customers.Server.Storage;

/// <summary>
/// A client's Idempotency-Key with the fingerprint of the request it came with. Within an
/// organization and for <see cref="Lifetime"/>, the same key and fingerprint replay the first
/// creation; the same key with another fingerprint is refused.
/// </summary>
public sealed record IdempotencyKey(string Value, string Fingerprint)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    /// <summary>The key, or null when the request has none. The fingerprint covers the operation, the path and the body.</summary>
    public static IdempotencyKey? For(string? header, string operationId, params ReadOnlySpan<string?> request)
    {
        if (header is null)
        {
            return null;
        }

        var text = new StringBuilder(operationId);
        foreach (var part in request)
        {
            // Length-prefixed so that ("ab","c") and ("a","bc") differ; null differs from "".
            text.Append('|').Append(part is null ? "-" : $"{part.Length}:{part}");
        }

        return new IdempotencyKey(header, Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()))));
    }
}
