using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Customers.Server.Storage;

/// <summary>
/// Makes the <see cref="IdempotencyKey"/> of a request: HMAC-SHA256 under the configured key over
/// the operation and the request's parts (path and body as parsed). A stored fingerprint is the
/// request's only with the key, so it cannot be reversed to the username it covers.
/// </summary>
public sealed class IdempotencyFingerprints
{
    /// <summary>The key of a development instance without one: public, so its fingerprints protect nothing.</summary>
    public static readonly byte[] DevelopmentKey = Encoding.UTF8.GetBytes("customers-v4 development fingerprint key, not secret");

    private readonly byte[] _key;
    private readonly byte[]? _previousKey;

    public IdempotencyFingerprints(IOptions<IdempotencyOptions> options)
    {
        // A missing key outside Development stopped the service at start (IdempotencyOptions.Problem).
        _key = options.Value.FingerprintKey is { } key ? IdempotencyOptions.Decode(key)! : DevelopmentKey;
        _previousKey = options.Value.PreviousFingerprintKey is { } previous ? IdempotencyOptions.Decode(previous) : null;
    }

    /// <summary>The key, or null when the request has none.</summary>
    public IdempotencyKey? For(string? header, string operationId, params ReadOnlySpan<string?> request)
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

        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        // Records written before fingerprints were keyed hold a plain SHA-256; they expire within
        // IdempotencyKey.Lifetime of the upgrade, and until then a retry of their request replays.
        var legacy = Convert.ToHexString(SHA256.HashData(bytes));
        return new IdempotencyKey(header, Fingerprint(_key, bytes),
            _previousKey is null ? [legacy] : [Fingerprint(_previousKey, bytes), legacy]);
    }

    private static string Fingerprint(byte[] key, byte[] request) => Convert.ToHexString(HMACSHA256.HashData(key, request));
}
