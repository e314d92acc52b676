using System.Text;
using System.Text.Json;
using Customers.ContractRules;

namespace Customers.Client.Testing;

/// <summary>
/// A request checked against its operation's rules from the contract, in the service's order: path
/// uuids (the service's binding), the body, then every other parameter's length and pattern. Holds
/// the values the state machine reads and the fingerprint an Idempotency-Key is remembered with.
/// </summary>
internal sealed class FakeRequest
{
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
            Throw(RequestRules.Uuid(parameter, path[parameter.Name], out _));
        }

        var fields = operation.Body is null ? [] : Fields(operation.Body, body);
        string? idempotencyKey = null;
        foreach (var parameter in operation.Parameters.Where(p => p is not { In: "path", Format: "uuid" }))
        {
            var value = parameter.In switch
            {
                "path" => path[parameter.Name],
                "query" => query.GetValueOrDefault(parameter.Name),
                _ => headers.GetValueOrDefault(parameter.Name.ToLowerInvariant()),
            };
            Throw(RequestRules.Parameter(parameter, value));
            if (value is not null && string.Equals(parameter.Name, ContractHeaders.IdempotencyKey, StringComparison.OrdinalIgnoreCase))
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

    // The service's rules, from the same shared source: the fake answers the first error it finds.
    private static Dictionary<string, string?> Fields(BodyRule schema, string? body)
    {
        Throw(RequestRules.Parse(Encoding.UTF8.GetBytes(body ?? ""), out var document));
        using (document)
        {
            var root = document!.RootElement;
            var broken = RequestRules.Body(schema, root);
            if (broken.Count > 0)
            {
                Throw(broken[0]);
            }

            return schema.Fields.ToDictionary(f => f.Name, f => root.TryGetProperty(f.Name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null);
        }
    }

    private static void Throw(RuleBreak? broken)
    {
        if (broken is not null)
        {
            throw new FakeError(broken.Error, broken.Ref, broken.Message);
        }
    }
}
