using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Customers.Precis;

namespace Customers.ContractRules;

/// <summary>One rule of the contract that a request breaks: the contract's error, where (the ErrorResponse ref) and what.</summary>
internal sealed record RuleBreak(Vocabulary.ContractError Error, string Ref, string Message);

/// <summary>
/// The contract's request rules, read from the generated operation table (build/codegen), with the
/// message each one answers. Shared source: the service and the fake in Customers.Client.Testing
/// compile this file, so both refuse the same requests with the same errors. Each project that
/// compiles it names its generated vocabulary's namespace <c>Vocabulary</c> (a global using alias
/// in its csproj): the table's records and the error catalog are generated into each project.
/// Nothing here names a field, a parameter or a limit.
/// </summary>
internal static class RequestRules
{
    /// <summary>The example a uuid error shows.</summary>
    public const string UuidExample = "123e4567-e89b-12d3-a456-556642440000";

    private const int MaxDepth = 32;
    private const int ShownLength = 64;
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth };
    private static readonly ConcurrentDictionary<string, Regex> Patterns = new(StringComparer.Ordinal);

    /// <summary>A path parameter of <c>format: uuid</c>: the hyphenated form only (Guid's parser also takes braces and bare digits).</summary>
    public static RuleBreak? Uuid(Vocabulary.ParameterRule parameter, string value, out Guid parsed) =>
        Guid.TryParseExact(value, "D", out parsed)
            ? null
            : new(Vocabulary.ContractErrors.InvalidUuid, $"path.{parameter.Name}",
                $"{parameter.Name} must be a uuid such as {UuidExample}; got '{Shorten(value)}'.");

    /// <summary>
    /// A path, query or header parameter's length and pattern; null is absent. A header's name is
    /// compared and shown in lower case, as HTTP/2 sends it.
    /// </summary>
    public static RuleBreak? Parameter(Vocabulary.ParameterRule parameter, string? value)
    {
        var name = parameter.In == "header" ? parameter.Name.ToLowerInvariant() : parameter.Name;
        var reference = $"{parameter.In}.{name}";
        if (value is null)
        {
            return parameter.Required ? new(Vocabulary.ContractErrors.InvalidParameter, reference, $"{name} is required.") : null;
        }

        var problem = Length(name, value, parameter.MinLength, parameter.MaxLength)?.Message ?? Pattern(name, value, parameter.Pattern);
        return problem is null ? null : new(Vocabulary.ContractErrors.InvalidParameter, reference, problem);
    }

    /// <summary>Parses a request body (UTF-8) as JSON, at most 32 levels deep; null with the document, or why not.</summary>
    public static RuleBreak? Parse(ReadOnlyMemory<byte> utf8, out JsonDocument? document)
    {
        document = null;
        if (utf8.IsEmpty)
        {
            return new(Vocabulary.ContractErrors.InvalidJson, "body", "The request body is empty; a JSON object is expected.");
        }

        try
        {
            document = JsonDocument.Parse(utf8, DocumentOptions);
            return null;
        }
        catch (JsonException exception)
        {
            return new(Vocabulary.ContractErrors.InvalidJson, "body", $"The request body is not valid JSON: {Where(exception)}{Reason(exception)}");
        }
    }

    /// <summary>
    /// Every problem of a parsed body against its schema, in the order a reader fixes them: a
    /// duplicate member (anywhere), a body that is not an object, unknown fields (each), the first
    /// field of the wrong JSON type, then each field's first broken rule (required, length,
    /// pattern, format). Empty when the body may be deserialized.
    /// </summary>
    public static IReadOnlyList<RuleBreak> Body(Vocabulary.BodyRule schema, JsonElement root)
    {
        try
        {
            if (DuplicateField(root, "body") is { } duplicate)
            {
                return [new(Vocabulary.ContractErrors.DuplicateField, duplicate, $"{duplicate[5..]} appears more than once in the body; each field may be given once.")];
            }

            if (root.ValueKind != JsonValueKind.Object)
            {
                return [new(Vocabulary.ContractErrors.InvalidFieldType, "body", $"The request body must be a JSON object, not {Describe(root.ValueKind)}.")];
            }

            var unknown = new List<RuleBreak>();
            foreach (var property in root.EnumerateObject())
            {
                if (!schema.AdditionalProperties && !IsField(schema, property.Name))
                {
                    var shown = Shorten(property.Name);
                    unknown.Add(new(Vocabulary.ContractErrors.UnknownField, $"body.{shown}",
                        $"{shown} is not a field of this request; expected only: {string.Join(", ", schema.Fields.Select(f => f.Name))}."));
                }
            }

            if (unknown.Count > 0)
            {
                return unknown;
            }

            // Like a deserializer, stop at the first value of the wrong type: what follows is not read.
            foreach (var property in root.EnumerateObject())
            {
                var field = schema.Fields.FirstOrDefault(f => f.Name == property.Name);
                if (field is not null && property.Value.ValueKind != JsonValueKind.Null && !HasType(property.Value, field.Type))
                {
                    return [new(Vocabulary.ContractErrors.InvalidFieldType, $"body.{field.Name}", $"{field.Name} must be {TypeName(field.Type)}.")];
                }
            }
        }
        catch (InvalidOperationException)
        {
            // A member name with an unpaired surrogate (\ud800) is valid JSON but not text.
            return [new(Vocabulary.ContractErrors.InvalidJson, "body", "The request body has a field name that is not valid Unicode text (an unpaired surrogate).")];
        }

        List<RuleBreak>? broken = null;
        foreach (var field in schema.Fields)
        {
            if (Field(field, root.TryGetProperty(field.Name, out var value) ? value : default) is { } problem)
            {
                (broken ??= []).Add(problem);
            }
        }

        return broken ?? (IReadOnlyList<RuleBreak>)[];
    }

    /// <summary>A field's first broken rule: required (present and not null), then length, pattern and format of a string.</summary>
    private static RuleBreak? Field(Vocabulary.FieldRule field, JsonElement value)
    {
        var reference = $"body.{field.Name}";
        if (value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return field.Required ? new(Vocabulary.ContractErrors.MissingField, reference, $"{field.Name} is required.") : null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        string text;
        try
        {
            text = value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // Not valid UTF-8 (an encoded surrogate, an overlong form): a deserializer refuses it as the field's type.
            return new(Vocabulary.ContractErrors.InvalidFieldType, reference, $"{field.Name} must be {TypeName(field.Type)}.");
        }

        if (Length(field.Name, text, field.MinLength, field.MaxLength) is { } length)
        {
            return new(length.TooLong ? Vocabulary.ContractErrors.FieldTooLong : Vocabulary.ContractErrors.FieldTooShort, reference, length.Message);
        }

        if (Pattern(field.Name, text, field.Pattern) is { } pattern)
        {
            return new(Vocabulary.ContractErrors.InvalidFieldFormat, reference, pattern);
        }

        if (field.Format == "precis-username-casemapped" && !UsernameCaseMapped.TryEnforce(text, out _, out var problem))
        {
            return new(Vocabulary.ContractErrors.InvalidUsername, reference, problem);
        }

        return null;
    }

    // JSON Schema counts characters (code points), not UTF-16 units; a lone surrogate counts as one.
    private static (bool TooLong, string Message)? Length(string name, string text, int? minLength, int? maxLength)
    {
        if (minLength is null && maxLength is null)
        {
            return null;
        }

        var characters = CountCharacters(text);
        if (characters > maxLength)
        {
            return (true, string.Create(CultureInfo.InvariantCulture, $"{name} must be at most {maxLength} characters; it has {characters}."));
        }

        if (characters < minLength)
        {
            return (false, string.Create(CultureInfo.InvariantCulture, $"{name} must be at least {minLength} character{(minLength == 1 ? "" : "s")}; it has {characters}."));
        }

        return null;
    }

    // The whole value must match (an unanchored match inside it does not count), and an empty value
    // is left to the length rule, as JSON Schema validators and DataAnnotations do.
    private static string? Pattern(string name, string text, string? pattern)
    {
        if (pattern is null || text.Length == 0)
        {
            return null;
        }

        var match = Patterns.GetOrAdd(pattern, static p => new Regex(p, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(2))).Match(text);
        return match.Success && match.Index == 0 && match.Length == text.Length ? null : $"{name} does not match the pattern {pattern}.";
    }

    private static int CountCharacters(string text)
    {
        var pairs = 0;
        for (var i = 0; i + 1 < text.Length; i++)
        {
            if (char.IsSurrogatePair(text[i], text[i + 1]))
            {
                pairs++;
                i++;
            }
        }

        return text.Length - pairs;
    }

    private static bool IsField(Vocabulary.BodyRule schema, string name)
    {
        foreach (var field in schema.Fields)
        {
            if (field.Name == name)
            {
                return true;
            }
        }

        return false;
    }

    // System.Text.Json can refuse duplicates, but its exception names no path; this walk says which member, at any depth.
    private static string? DuplicateField(JsonElement element, string path)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var item in element.EnumerateArray())
            {
                if (DuplicateField(item, string.Create(CultureInfo.InvariantCulture, $"{path}[{index++}]")) is { } found)
                {
                    return found;
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Object)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
            {
                var name = $"{path}.{Shorten(property.Name)}";
                if (!seen.Add(property.Name))
                {
                    return name;
                }

                if (DuplicateField(property.Value, name) is { } found)
                {
                    return found;
                }
            }
        }

        return null;
    }

    private static bool HasType(JsonElement value, string type) => type switch
    {
        "string" => value.ValueKind == JsonValueKind.String,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "integer" or "number" => value.ValueKind == JsonValueKind.Number,
        "array" => value.ValueKind == JsonValueKind.Array,
        _ => value.ValueKind == JsonValueKind.Object,
    };

    private static string TypeName(string type) => type switch
    {
        "string" => "a string",
        "boolean" => "true or false",
        "integer" or "number" => "a number",
        "array" => "an array",
        _ => "an object",
    };

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    // System.Text.Json counts lines and bytes from 0; people count from 1.
    private static string Where(JsonException exception) =>
        exception.LineNumber is { } line && exception.BytePositionInLine is { } position
            ? string.Create(CultureInfo.InvariantCulture, $"line {line + 1}, byte {position + 1}: ")
            : string.Empty;

    // The parser's reason without its " LineNumber: … | BytePositionInLine: …" tail. (JsonDocument's
    // exceptions name no " Path:"; only JsonSerializer's do.)
    private static string Reason(JsonException exception)
    {
        var message = exception.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        var reason = (cut >= 0 ? message[..cut] : message).Trim();
        return reason.TrimEnd(' ', '|');
    }

    private static string Shorten(string text) => text.Length <= ShownLength ? text : string.Concat(text.AsSpan(0, ShownLength), "…");
}
