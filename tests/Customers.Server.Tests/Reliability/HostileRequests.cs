using System.Text;
using System.Text.Json.Nodes;
using Customers.ContractChecks;
using CsCheck;

namespace Customers.Server.Tests.Reliability;

/// <summary>
/// Generators of requests that must each be refused with a 4xx: every operation of the contract
/// (from the YAML), aimed at a customer and credential that exist, with one or more defects in the
/// body, the path or the headers. None may be accepted, so the store must not change.
/// </summary>
public sealed class HostileRequests(string org, Guid customerId, Guid credentialId, string existingUsername)
{
    private static readonly string[] Granted = ["API_KEY"];

    private static readonly Gen<string> NotGranted = Gen.String[Gen.Char["ABCDEFGHIJKLMNOPQRSTUVWXYZ_"], 1, 20].Select(r => "NOT_" + r);

    public Gen<HostileRequest> Any()
    {
        var operations = OpenApiContract.Default.Operations;
        var withBody = operations.Where(o => o.RequestExample is not null).ToArray();
        return Gen.Frequency(
            (4, Gen.OneOf(withBody).SelectMany(BodyDefect)),
            (3, Gen.OneOf(operations.ToArray()).SelectMany(PathDefect)),
            (3, Gen.OneOf(operations.ToArray()).SelectMany(HeaderDefect)));
    }

    private Gen<HostileRequest> BodyDefect(ContractOperation operation)
    {
        var field = operation.RequestExample!.AsObject().First().Key;
        var path = ValidPath(operation);
        Gen<(string Defect, byte[] Body)> bodies = Gen.OneOf(
            InvalidJson(),
            Gen.OneOf("123", "true", "[]", "{}", "[1,2]").Select(v => ("wrong type", Utf8($$"""{"{{field}}":{{v}}}"""))),
            Gen.OneOf("null", "[]", "\"text\"", "42", "true").Select(v => ("wrong root", Utf8(v))),
            Gen.Const(("null field", Utf8($$"""{"{{field}}":null,"unexpected":1}"""))),
            Gen.Const(("empty string", Utf8($$"""{"{{field}}":""}"""))),
            Gen.Int[200, 5000].Select(n => ("too long", Utf8($$"""{"{{field}}":"{{new string('a', n)}}"}"""))),
            Gen.Char['\u0001', '\u001f'].Select(c => ("control character", Utf8($$"""{"{{field}}":"ab\u{{(int)c:x4}}cd"}"""))),
            Gen.Const(("NUL", Utf8($$"""{"{{field}}":"ab\u0000cd"}"""))),
            Gen.OneOf("\\ud800", "\\udfff", "a\\ud83dz").Select(s => ("unpaired surrogate escape", Utf8($$"""{"{{field}}":"{{s}}"}"""))),
            Gen.Const(("invalid UTF-8 (encoded surrogate)", Concat(Utf8($$"""{"{{field}}":"a"""), [0xED, 0xA0, 0x80], Utf8("\"}")))),
            Gen.OneOf("\\ud800", "a\\udfffb").Select(name => ("unpaired surrogate in a field name", Utf8($$"""{"{{field}}":"x","{{name}}":1}"""))),
            Gen.Const(("invalid UTF-8 in a field name", Concat(Utf8("{\"" + field + "\":\"x\",\""), [0xED, 0xA0, 0x80], Utf8("\":1}")))),
            Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz"], 1, 10].Select(extra => ("extra field", Utf8($$"""{"{{field}}":"x{{extra}}@example.com","{{extra}}":1}"""))),
            Gen.Int[70, 3000].Select(depth => ("deep nesting", Utf8($$"""{"{{field}}":{{new string('[', depth)}}{{new string(']', depth)}}}"""))),
            Gen.Const(("1 MB body", Utf8($$"""{"{{field}}":"{{new string('a', 1024 * 1024)}}"}"""))),
            Gen.Const(("empty body", Array.Empty<byte>())),
            InvalidUtf8.Select(bytes => ("invalid UTF-8 in a value", Concat(Utf8($$"""{"{{field}}":"a"""), bytes, Utf8("b\"}")))),
            Gen.Select(UnicodeText, UnicodeText, (name, value) => ("any Unicode text in an extra field's name and value",
                Utf8($$"""{"{{field}}":"x","z{{Escaped(name)}}":"{{Escaped(value)}}"}"""))),
            UnicodeText.Select(value => ("a field twice", Utf8($$"""{"{{field}}":"{{Escaped(value)}}","{{field}}":"x"}"""))),
            Gen.Const(("a field twice, once escaped", Utf8($$"""{"{{field}}":"x","\u{{(int)field[0]:x4}}{{field[1..]}}":"y"}"""))));
        if (field == "username")
        {
            // Only the username is refused for its text: any other text field may hold any text.
            bodies = Gen.Frequency((3, bodies), (2, UsernameText(existingUsername).Select(u => (u.Defect, Utf8($$"""{"{{field}}":"{{Escaped(u.Text)}}"}""")))));
        }

        return bodies.Select(b => new HostileRequest($"body: {b.Defect}", operation.OperationId, operation.Method, path, b.Body, "application/json", Granted));
    }

    private Gen<HostileRequest> PathDefect(ContractOperation operation)
    {
        // Only the parameters this operation's path has: a defect elsewhere would leave a valid request.
        var defects = new List<Gen<(string Defect, string Org, string Customer, string Credential)>>
        {
            Gen.Int[65, 2000].Select(n => ("org over-long", new string('o', n), customerId.ToString(), credentialId.ToString())),
            Gen.OneOf("t%D0%B5lco", "te%0Alco", "%2E%2E", "-telco", "te%20lco", "t%C3%A9lco", "%F0%9F%98%80")
                .Select(bad => ("org encoding trick or homoglyph", bad, customerId.ToString(), credentialId.ToString())),
            // Without %00: Kestrel refuses it itself (400, no body, as the contract says) and TestServer's client cannot send it.
            UnicodeText.Select(text => ("org any Unicode text", "-" + Uri.EscapeDataString(text.Replace("\0", string.Empty, StringComparison.Ordinal)), customerId.ToString(), credentialId.ToString())),
            Gen.OneOf("%FF", "%C0%AE", "%ED%A0%80", "%F4%90%80%80", "%E2%82").Select(bad => ("org invalid UTF-8", "t" + bad + "-", customerId.ToString(), credentialId.ToString())),
        };
        if (operation.PathTemplate.Contains("{customer_id}", StringComparison.Ordinal))
        {
            defects.Add(Gen.OneOf("123", "not-a-uuid", "{" + customerId + "}", "(" + customerId + ")", customerId.ToString("N"), customerId + "0", "..", "..%2F..%2Fetc%2Fpasswd", "%2e%2e", "%252e%252e", "%C0%AE%C0%AE")
                .Select(bad => ("customer_id not a uuid", org, bad, credentialId.ToString())));
        }

        if (operation.PathTemplate.Contains("{credential_id}", StringComparison.Ordinal))
        {
            defects.Add(Gen.OneOf("1", "x", "%2e%2e%2f", credentialId.ToString("N")[..10])
                .Select(bad => ("credential_id not a uuid", org, customerId.ToString(), bad)));
        }

        var parameters = Gen.OneOf(defects.ToArray());
        var body = operation.RequestExample is null ? null : Utf8(operation.RequestExample.ToJsonString());
        return parameters.Select(p => new HostileRequest($"path: {p.Defect}", operation.OperationId, operation.Method,
            Fill(operation, p.Org, p.Customer, p.Credential), body, body is null ? null : "application/json", Granted));
    }

    private Gen<HostileRequest> HeaderDefect(ContractOperation operation)
    {
        var path = ValidPath(operation);
        var body = operation.RequestExample is null ? null : Utf8(UniqueExample(operation.RequestExample));
        var json = body is null ? null : "application/json";
        var roles = Gen.OneOf(
            Gen.Const(("x-auth-roles missing", new string?[] { null })),
            Gen.Const(("x-auth-roles empty", new string?[] { "" })),
            NotGranted.Select(r => ("x-auth-roles duplicated", new string?[] { r, r + "_TOO" })),
            Gen.Int[1000, 6000].Select(n => ("x-auth-roles huge", new string?[] { string.Join(',', Enumerable.Range(0, n / 8).Select(i => $"ROLE{i:D3}")) })),
            // Sent as UTF-8 bytes; line breaks and NUL cannot be sent in a header at all.
            UnicodeText.Select(text => ("x-auth-roles any Unicode text", new string?[] { "NOT_" + new string(text.Where(c => c is not ('\r' or '\n' or '\0')).ToArray()) })));
        var requests = roles.Select(r => new HostileRequest($"header: {r.Item1}", operation.OperationId, operation.Method, path, body, json, r.Item2));
        if (body is null)
        {
            return requests;
        }

        var mediaTypes = Gen.OneOf(
            Gen.OneOf("text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json-patch+json")
                .Select(t => new HostileRequest($"header: content type {t}", operation.OperationId, operation.Method, path, body, t, Granted)),
            Gen.Const(new HostileRequest("header: no content type", operation.OperationId, operation.Method, path, body, null, Granted)));
        return Gen.Frequency((3, requests), (2, mediaTypes));
    }

    private string ValidPath(ContractOperation operation) => Fill(operation, org, customerId.ToString(), credentialId.ToString());

    private static string Fill(ContractOperation operation, string org, string customer, string credential) => operation.PathTemplate
        .Replace("{org_id}", org, StringComparison.Ordinal)
        .Replace("{customer_id}", customer, StringComparison.Ordinal)
        .Replace("{credential_id}", credential, StringComparison.Ordinal);

    // A body that would be accepted, so that only the header defect can explain a refusal.
    private static string UniqueExample(JsonNode example)
    {
        var copy = example.DeepClone().AsObject();
        var field = copy.First().Key;
        copy[field] = $"h{Guid.NewGuid():N}"[..20];
        return copy.ToJsonString();
    }

    private static Gen<(string, byte[])> InvalidJson() => Gen.OneOf(
        Gen.OneOf("{", "{'username': 'x'}", "{\"username\": \"x\",}", "{\"username\" \"x\"}", "nul", "{\"username\":\"x\"}}", "\u00ff\u00fe")
            .Select(s => ("invalid JSON", Utf8(s))),
        Gen.String.Select(s => ("invalid JSON (random text after '{')", Utf8("{" + s))));

    /// <summary>
    /// Text from the whole code space, weighted toward what breaks parsers and normalizers:
    /// noncharacters, unassigned and private-use code points, invisibles, controls, any scalar value.
    /// </summary>
    private static readonly Gen<string> UnicodeText = Gen.Frequency(
            (4, Gen.Int[0, 0x10FFFF].Where(c => c is < 0xD800 or > 0xDFFF)),
            (2, Gen.Int[0, 16].SelectMany(plane => Gen.OneOf((plane << 16) | 0xFFFE, (plane << 16) | 0xFFFF))),
            (1, Gen.Int[0xFDD0, 0xFDEF]),
            (2, Gen.OneOf(0x0378, 0x0530, 0x07FB, 0x2FFF, 0x1FAFF, 0x3FFFD, 0x50000, 0xE0080, 0xEFFFD)), // unassigned in Unicode 15
            (1, Gen.Int[0xE000, 0xF8FF]),
            (2, Gen.OneOf(0x200B, 0x200C, 0x200D, 0x2060, 0x00AD, 0xFEFF, 0x202A, 0x202E, 0x2066, 0x2069, 0x180E, 0x3164, 0x115F, 0xE0001)),
            (1, Gen.Int[0, 0x9F]),
            (2, Gen.Int[0x20, 0x7E]))
        .Array[1, 12]
        .Select(codePoints => string.Concat(codePoints.Select(char.ConvertFromUtf32)));

    private static readonly Gen<byte[]> InvalidUtf8 = Gen.OneOf<byte[]>(
        [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xF0, 0x80, 0x80, 0xAF], // overlong forms
        [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], // above U+10FFFF
        [0xE2, 0x82], [0xF0, 0x9F, 0x98], // truncated sequences
        [0x80], [0xBF, 0xBF], [0xFE], [0xFF], [0xF8, 0x88, 0x80, 0x80, 0x80]); // stray continuation, never-valid bytes, 5-byte form

    /// <summary>Usernames that the contract's pattern lets through and RFC 8265 refuses, or that are a taken username in another form.</summary>
    private static Gen<(string Defect, string Text)> UsernameText(string taken) => Gen.OneOf(
        Gen.Select(Gen.Int[0, taken.Length], UnicodeText, Gen.Int[0xFDD0, 0xFDEF], (at, text, nonchar) =>
            ("username with a code point RFC 8265 refuses", $"{taken[..at]}{text}{char.ConvertFromUtf32(nonchar)}{taken[at..]}")),
        Gen.Select(Gen.Int[1, taken.Length - 1], Gen.OneOf(0x200B, 0x2060, 0x00AD, 0xFEFF, 0x200E, 0x202E, 0x2066, 0x034F), (at, invisible) =>
            ("look-alike of a taken username (an invisible code point)", $"{taken[..at]}{char.ConvertFromUtf32(invisible)}{taken[at..]}")),
        Gen.OneOf(taken.ToUpperInvariant(), FullWidth(taken), taken.Normalize(NormalizationForm.FormD).ToUpperInvariant())
            .Select(variant => ("taken username in another case or width", variant)));

    // Every code unit as a JSON \u escape: the text arrives exactly as generated, lone surrogates included.
    private static string Escaped(string text) => string.Concat(text.Select(c => $"\\u{(int)c:x4}"));

    private static string FullWidth(string ascii) =>
        new(ascii.Select(c => c is >= '!' and <= '~' ? (char)(c - '!' + '\uFF01') : c).ToArray());

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
