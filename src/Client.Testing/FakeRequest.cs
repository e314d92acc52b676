using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Customers.Precis;

namespace Customers.Client.Testing;

/// <summary>
/// A request checked against its operation's rules from the contract, in the service's order: path
/// uuids (the service's binding), the body, then every other parameter's length and pattern. Holds
/// the values the state machine reads and the fingerprint an Idempotency-Key is remembered with.
/// </summary>
internal sealed class FakeRequest
{
    private static readonly ConcurrentDictionary<string, Regex> Patterns = new(StringComparer.Ordinal);

    private readonly Dictionary<string, string> _path;
    private readonly Dictionary<string, string?> _fields;
    private readonly IReadOnlyDictionary<string, string> _query;

    private FakeRequest(Dictionary<string, string> path, IReadOnlyDictionary<string, string> query, Dictionary<string, string?> fields, string? idempotencyKey, string fingerprint)
    {
        _path = path;
        _query = query;
        _fields = fields;
        IdempotencyKey = idempotencyKey;
        Fingerprint = fingerprint;
    }

    public string Org => _path[ContractTenancy.Parameter];

    public string? IdempotencyKey { get; }

    /// <summary>As the service's: the operation, every path parameter as parsed, the body's fields in the contract's order as JSON values.</summary>
    public string Fingerprint { get; }

    public Guid Uuid(string name) => Guid.ParseExact(_path[name], "D");

    public string? Text(string field) => _fields.GetValueOrDefault(field);

    /// <summary>A query parameter as sent (it passed its rules), or null.</summary>
    public string? Query(string name) => _query.GetValueOrDefault(name);

    public static FakeRequest Read(OperationRule operation, Dictionary<string, string> path, IReadOnlyDictionary<string, string> query, IReadOnlyDictionary<string, string> headers, string? body)
    {
        foreach (var parameter in operation.Parameters.Where(p => p is { In: "path", Format: "uuid" }))
        {
            if (!Guid.TryParseExact(path[parameter.Name], "D", out _))
            {
                throw new FakeError(ContractErrors.InvalidUuid, $"path.{parameter.Name}", $"{parameter.Name} must be a uuid such as 123e4567-e89b-12d3-a456-556642440000.");
            }
        }

        var fields = operation.Body is null ? [] : Fields(operation.Body, body);
        string? idempotencyKey = null;
        foreach (var parameter in operation.Parameters.Where(p => p is not { In: "path", Format: "uuid" }))
        {
            var name = parameter.In == "header" ? parameter.Name.ToLowerInvariant() : parameter.Name;
            var value = parameter.In switch
            {
                "path" => path[name],
                "query" => query.GetValueOrDefault(name),
                _ => headers.GetValueOrDefault(name),
            };
            if (value is null)
            {
                if (parameter.Required)
                {
                    throw new FakeError(ContractErrors.InvalidParameter, $"{parameter.In}.{name}", $"{parameter.Name} is required.");
                }

                continue;
            }

            if (Broken(value, parameter.MinLength, parameter.MaxLength, parameter.Pattern) is { } problem)
            {
                throw new FakeError(ContractErrors.InvalidParameter, $"{parameter.In}.{name}", $"{parameter.Name} {problem}.");
            }

            if (string.Equals(parameter.Name, ContractHeaders.IdempotencyKey, StringComparison.OrdinalIgnoreCase))
            {
                idempotencyKey = value;
            }
        }

        var fingerprint = new StringBuilder(operation.Id);
        foreach (var parameter in operation.Parameters.Where(p => p.In == "path").OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            var value = parameter.Format == "uuid" ? Guid.ParseExact(path[parameter.Name], "D").ToString() : path[parameter.Name];
            fingerprint.Append('|').Append(parameter.Name).Append('=').Append(value);
        }

        if (operation.Body is not null)
        {
            fingerprint.Append("|body=").Append(JsonSerializer.Serialize(operation.Body.Fields.ToDictionary(f => f.Name, f => fields.GetValueOrDefault(f.Name)), FakeJsonContext.Default.DictionaryStringString));
        }

        return new FakeRequest(path, query, fields, idempotencyKey, fingerprint.ToString());
    }

    private static Dictionary<string, string?> Fields(BodyRule schema, string? body)
    {
        if (string.IsNullOrEmpty(body))
        {
            throw new FakeError(ContractErrors.InvalidJson, "body", "The request body is empty; a JSON object is expected.");
        }

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body);
            root = document.RootElement.Clone();
        }
        catch (JsonException exception)
        {
            throw new FakeError(ContractErrors.InvalidJson, "body", $"The request body is not valid JSON: {exception.Message}");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new FakeError(ContractErrors.InvalidFieldType, "body", "The request body must be a JSON object.");
        }

        var given = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            if (given.ContainsKey(property.Name))
            {
                throw new FakeError(ContractErrors.DuplicateField, $"body.{property.Name}", $"{property.Name} appears more than once in the body; each field may be given once.");
            }

            if (!schema.AdditionalProperties && schema.Fields.All(f => f.Name != property.Name))
            {
                throw new FakeError(ContractErrors.UnknownField, $"body.{property.Name}", $"{property.Name} is not a field of this request; expected only: {string.Join(", ", schema.Fields.Select(f => f.Name))}.");
            }

            given[property.Name] = property.Value;
        }

        var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var field in schema.Fields)
        {
            var reference = $"body.{field.Name}";
            if (!given.TryGetValue(field.Name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                if (field.Required)
                {
                    throw new FakeError(ContractErrors.MissingField, reference, $"{field.Name} is required.");
                }

                fields[field.Name] = null;
                continue;
            }

            if (value.ValueKind != JsonValueKind.String)
            {
                throw new FakeError(ContractErrors.InvalidFieldType, reference, $"{field.Name} must be a {field.Type}.");
            }

            var text = value.GetString()!;
            var characters = text.EnumerateRunes().Count();
            if (field.MaxLength is { } max && characters > max)
            {
                throw new FakeError(ContractErrors.FieldTooLong, reference, string.Create(CultureInfo.InvariantCulture, $"{field.Name} must be at most {max} characters; it has {characters}."));
            }

            if (field.MinLength is { } min && characters < min)
            {
                throw new FakeError(ContractErrors.FieldTooShort, reference, string.Create(CultureInfo.InvariantCulture, $"{field.Name} must be at least {min} characters; it has {characters}."));
            }

            if (field.Pattern is { } pattern && !Pattern(pattern).IsMatch(text))
            {
                throw new FakeError(ContractErrors.InvalidFieldFormat, reference, $"{field.Name} does not match the pattern {pattern}.");
            }

            if (field.Format == "precis-username-casemapped" && !UsernameCaseMapped.TryEnforce(text, out _, out var problem))
            {
                throw new FakeError(ContractErrors.InvalidUsername, reference, problem);
            }

            fields[field.Name] = text;
        }

        return fields;
    }

    private static string? Broken(string value, int? minLength, int? maxLength, string? pattern)
    {
        var characters = value.EnumerateRunes().Count();
        return characters < (minLength ?? 0) || characters > (maxLength ?? int.MaxValue)
            ? string.Create(CultureInfo.InvariantCulture, $"must be {minLength ?? 0} to {maxLength} characters; it has {characters}")
            : pattern is not null && !Pattern(pattern).IsMatch(value) ? $"does not match the pattern {pattern}" : null;
    }

    private static Regex Pattern(string pattern) => Patterns.GetOrAdd(pattern, p => new Regex(p, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));
}
