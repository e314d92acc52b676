using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Customers.Server.Contract;

namespace Customers.Server.Endpoints;

/// <summary>
/// How the service writes JSON: the contract's source-generated context with the relaxed encoder
/// that ASP.NET Core's MVC output used before the endpoints redesign, so a username or a message
/// goes out as written ("ΟΔΟΣ", "''' is an invalid start…") and not as \uXXXX escapes. A JSON
/// reader sees the same value either way; a person reading curl's output does not. Request
/// fingerprints keep <see cref="ContractJsonContext.Default"/>: stored idempotency keys depend on
/// their bytes.
/// </summary>
public static class ResponseJson
{
    private static readonly JsonSerializerOptions Options = new(ContractJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // JSON bodies only, never embedded in HTML
    };

    /// <summary>The bytes of <paramref name="value"/>, serialized with the metadata of <paramref name="type"/>'s type.</summary>
    public static byte[] Serialize<T>(T value, JsonTypeInfo<T> type) =>
        JsonSerializer.SerializeToUtf8Bytes(value, (JsonTypeInfo<T>)Options.GetTypeInfo(type.Type));
}
