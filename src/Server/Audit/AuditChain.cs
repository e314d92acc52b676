using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Customers.Server.Audit;

/// <summary>
/// The hash chain of an organization's audit events. An event's hash is SHA-256 (lowercase hex) of
/// its canonical form: the UTF-8 bytes of a JSON object written as RFC 8785 (JCS) writes it, members
/// sorted by name, no white space, strings escaped only where JSON requires it:
/// <c>{"actor":{"client":…,"roles":[…],"subject":…},"credential_id":…,"customer_id":"…","idempotency_key":…,
/// "occurred_at":"2026-11-28T09:30:00.000000Z","operation":"…","org_id":"…","previous_hash":"…","sequence":1,"trace_id":…}</c>.
/// Ids are lowercase hyphenated uuids, times UTC to the microsecond (what both databases keep),
/// absent values null. previous_hash is the hash of the event before it in the organization, or
/// <see cref="Genesis"/> for the first. Anyone can recompute it from the API's answers and the
/// organization id (docs/audit-trail.md).
/// </summary>
public static class AuditChain
{
    /// <summary>The previous hash of an organization's first event.</summary>
    public static readonly string Genesis = new('0', 64);

    public static string HashOf(AuditEntry entry, string previousHash)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalForm(entry, previousHash)), digest);
        return Convert.ToHexStringLower(digest);
    }

    /// <summary>The event as it is hashed, with <paramref name="previousHash"/> as its link.</summary>
    public static string CanonicalForm(AuditEntry entry, string previousHash)
    {
        var json = new StringBuilder(512);
        json.Append("{\"actor\":{\"client\":");
        Value(json, entry.Caller.Client);
        json.Append(",\"roles\":").Append(RolesJson(entry.Caller.Roles));
        json.Append(",\"subject\":");
        Value(json, entry.Caller.Subject);
        json.Append("},\"credential_id\":");
        Value(json, entry.CredentialId?.ToString("D"));
        json.Append(",\"customer_id\":");
        Value(json, entry.CustomerId.ToString("D"));
        json.Append(",\"idempotency_key\":");
        Value(json, entry.IdempotencyKey);
        json.Append(",\"occurred_at\":");
        Value(json, entry.OccurredAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
        json.Append(",\"operation\":");
        Value(json, entry.Operation);
        json.Append(",\"org_id\":");
        Value(json, entry.OrgId);
        json.Append(",\"previous_hash\":");
        Value(json, previousHash);
        json.Append(",\"sequence\":").Append(entry.Sequence.ToString(CultureInfo.InvariantCulture));
        json.Append(",\"trace_id\":");
        Value(json, entry.TraceId);
        return json.Append('}').ToString();
    }

    /// <summary>Roles as stored: a JSON array written as the canonical form writes it.</summary>
    public static string RolesJson(IReadOnlyList<string> roles)
    {
        var json = new StringBuilder("[");
        for (var i = 0; i < roles.Count; i++)
        {
            if (i > 0)
            {
                json.Append(',');
            }

            Value(json, roles[i]);
        }

        return json.Append(']').ToString();
    }

    public static IReadOnlyList<string> RolesFromJson(string json)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray().Select(role => role.GetString()!).ToArray();
    }

    // RFC 8785 section 3.2.2.2 (ECMAScript's JSON.stringify): the two-character escapes, \u00xx for other
    // controls, and a lone surrogate as \udxxx; everything else as it is.
    private static void Value(StringBuilder json, string? value)
    {
        if (value is null)
        {
            json.Append("null");
            return;
        }

        json.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"': json.Append("\\\""); break;
                case '\\': json.Append("\\\\"); break;
                case '\b': json.Append("\\b"); break;
                case '\f': json.Append("\\f"); break;
                case '\n': json.Append("\\n"); break;
                case '\r': json.Append("\\r"); break;
                case '\t': json.Append("\\t"); break;
                default:
                    var lone = char.IsSurrogate(c) && !(i + 1 < value.Length && char.IsSurrogatePair(c, value[i + 1])) && !(i > 0 && char.IsSurrogatePair(value[i - 1], c));
                    if (c < ' ' || lone)
                    {
                        json.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        json.Append(c);
                    }

                    break;
            }
        }

        json.Append('"');
    }
}
