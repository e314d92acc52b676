using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace Customers.Contract.Codegen;

public sealed class ContractException(string message) : Exception(message);

public sealed record ErrorCodeEntry(string Code, int Status, string Title, string Description);

public sealed record ParameterRule(string Name, string In, bool Required, int? MinLength, int? MaxLength, string? Pattern, string? Format);

public sealed record FieldRule(string Name, string Type, bool Required, bool Nullable, int? MinLength, int? MaxLength, string? Pattern, string? Format);

public sealed record BodyRule(string Schema, IReadOnlyList<FieldRule> Fields, bool AdditionalProperties);

public sealed record OperationEntry(string Id, string Method, string PathTemplate, IReadOnlyList<ParameterRule> Parameters, BodyRule? Body, IReadOnlyList<int> Statuses);

/// <summary>
/// The parts of the contract that the generated vocabulary needs, read from the OpenAPI 3.0 JSON
/// form of the document that Microsoft.OpenApi parses (so a document it refuses fails here too).
/// </summary>
public sealed partial class ContractModel
{
    private ContractModel(JsonObject root) => Root = root;

    public JsonObject Root { get; }

    public List<ErrorCodeEntry> ErrorCodes { get; } = [];

    public List<OperationEntry> Operations { get; } = [];

    public string RolesHeader { get; private set; } = "";

    public string TraceIdHeader { get; private set; } = "";

    public string IdempotencyKeyHeader { get; private set; } = "";

    /// <summary>The caller header the gateway may send (x-caller-header of its apiKey scheme), and its schema's maxLength and pattern.</summary>
    public string CallerHeader { get; private set; } = "";

    public int CallerMaxLength { get; private set; }

    public string CallerPattern { get; private set; } = "";

    /// <summary>Response headers defined in components.headers, by component name: the name responses give each.</summary>
    public SortedDictionary<string, string> ResponseHeaders { get; } = new(StringComparer.Ordinal);

    public string TenantParameter { get; private set; } = "";

    /// <summary>What is wrong with the vocabulary itself (each one fails the build).</summary>
    public List<string> Problems { get; } = [];

    public static ContractModel Load(string path)
    {
        var settings = new OpenApiReaderSettings();
        settings.AddYamlReader();
        var result = OpenApiDocument.Load(new MemoryStream(File.ReadAllBytes(path)), "yaml", settings);
        if (result.Document is null || result.Diagnostic?.Errors.Count > 0)
        {
            throw new ContractException($"the contract does not parse: {string.Join("; ", result.Diagnostic?.Errors.Select(e => e.ToString()) ?? [])}");
        }

        using var text = new StringWriter();
        result.Document.SerializeAsV3(new OpenApiJsonWriter(text));
        var model = new ContractModel(JsonNode.Parse(text.ToString())!.AsObject());
        model.ReadErrorCodes();
        model.ReadSecurity();
        model.ReadOperations();
        model.CheckErrorTable();
        return model;
    }

    /// <summary>Follows a local $ref (#/components/...) until a node without one.</summary>
    public JsonObject Resolve(JsonNode node)
    {
        var current = node.AsObject();
        for (var hops = 0; current["$ref"] is JsonValue reference; hops++)
        {
            var target = reference.GetValue<string>();
            if (!target.StartsWith("#/", StringComparison.Ordinal) || hops > 16)
            {
                throw new ContractException($"only local references are supported: {target}");
            }

            JsonNode? found = Root;
            foreach (var part in target[2..].Split('/'))
            {
                found = found?[part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)];
            }

            current = found?.AsObject() ?? throw new ContractException($"{target} does not exist");
        }

        return current;
    }

    private void ReadErrorCodes()
    {
        if (Root["x-error-codes"] is not JsonArray entries || entries.Count == 0)
        {
            throw new ContractException("x-error-codes (the list of error codes with status, title and description) is missing");
        }

        foreach (var entry in entries)
        {
            var code = entry?["code"]?.GetValue<string>() ?? "";
            var status = entry?["status"]?.GetValue<int>() ?? 0;
            var title = entry?["title"]?.GetValue<string>() ?? "";
            var description = entry?["description"]?.GetValue<string>() ?? "";
            if (!CodePattern().IsMatch(code) || status is < 400 or > 599 || title.Length == 0 || description.Length == 0)
            {
                Problems.Add($"x-error-codes: each entry needs a code in UPPER_SNAKE_CASE, a status from 400 to 599, a title and a description; '{code}' does not");
                continue;
            }

            if (ErrorCodes.Any(e => e.Code == code))
            {
                Problems.Add($"x-error-codes: {code} is listed twice");
                continue;
            }

            ErrorCodes.Add(new ErrorCodeEntry(code, status, title, description));
        }
    }

    private void ReadSecurity()
    {
        var schemes = Root["components"]?["securitySchemes"]?.AsObject() ?? throw new ContractException("components.securitySchemes is missing");
        var roles = schemes.Select(s => s.Value!.AsObject())
            .FirstOrDefault(s => s["type"]?.GetValue<string>() == "apiKey" && s["in"]?.GetValue<string>() == "header");
        RolesHeader = roles?["name"]?.GetValue<string>() ?? throw new ContractException("components.securitySchemes has no apiKey scheme in a header (the gateway's roles)");
        var caller = roles!["x-caller-header"]?.AsObject()
            ?? throw new ContractException("the gateway's apiKey scheme has no x-caller-header (the header that names the gateway's caller: name, schema with maxLength and pattern)");
        CallerHeader = caller["name"]?.GetValue<string>() ?? throw new ContractException("x-caller-header has no name");
        CallerMaxLength = caller["schema"]?["maxLength"]?.GetValue<int>() ?? throw new ContractException("x-caller-header: its schema has no maxLength");
        CallerPattern = caller["schema"]?["pattern"]?.GetValue<string>() ?? throw new ContractException("x-caller-header: its schema has no pattern");
        var idempotency = (Root["components"]?["parameters"]?.AsObject() ?? []).Select(p => p.Value!.AsObject())
            .FirstOrDefault(p => p["x-idempotency-key"]?.GetValue<bool>() == true && p["in"]?.GetValue<string>() == "header");
        IdempotencyKeyHeader = idempotency?["name"]?.GetValue<string>() ?? throw new ContractException("components.parameters has no header parameter marked x-idempotency-key: true");
        var tenant = (Root["components"]?["parameters"]?.AsObject() ?? []).Select(p => p.Value!.AsObject())
            .FirstOrDefault(p => p["x-tenant"]?.GetValue<bool>() == true && p["in"]?.GetValue<string>() == "path");
        TenantParameter = tenant?["name"]?.GetValue<string>() ?? throw new ContractException("components.parameters has no path parameter marked x-tenant: true (the organization)");
    }

    private void ReadOperations()
    {
        foreach (var (template, item) in Root["paths"]!.AsObject())
        {
            foreach (var (method, value) in item!.AsObject())
            {
                if (method is "parameters" or "summary" or "description" or "servers" || method.StartsWith("x-", StringComparison.Ordinal))
                {
                    continue;
                }

                var operation = value!.AsObject();
                var id = operation["operationId"]?.GetValue<string>() ?? throw new ContractException($"{method.ToUpperInvariant()} {template} has no operationId");
                var parameters = (operation["parameters"]?.AsArray() ?? []).Select(p => Parameter(Resolve(p!))).ToList();
                var statuses = new List<int>();
                foreach (var (status, response) in operation["responses"]!.AsObject())
                {
                    statuses.Add(int.Parse(status, System.Globalization.CultureInfo.InvariantCulture));
                    var headers = Resolve(response!)["headers"]?.AsObject();
                    foreach (var (name, header) in headers ?? [])
                    {
                        if (header?["$ref"]?.GetValue<string>() is { } reference && reference.StartsWith("#/components/headers/", StringComparison.Ordinal))
                        {
                            ResponseHeaders[reference["#/components/headers/".Length..]] = name;
                        }
                    }

                    var trace = headers?.FirstOrDefault(h => h.Value?["$ref"]?.GetValue<string>() == "#/components/headers/TraceId").Key;
                    if (trace is null)
                    {
                        Problems.Add($"{id} {status}: every response carries the trace id header ($ref: '#/components/headers/TraceId')");
                    }
                    else
                    {
                        TraceIdHeader = trace;
                    }
                }

                Operations.Add(new OperationEntry(id, method.ToUpperInvariant(), template, parameters, Body(operation), statuses));
            }
        }
    }

    private static ParameterRule Parameter(JsonObject parameter)
    {
        var schema = parameter["schema"]?.AsObject() ?? [];
        return new ParameterRule(parameter["name"]!.GetValue<string>(), parameter["in"]!.GetValue<string>(), parameter["required"]?.GetValue<bool>() ?? false,
            schema["minLength"]?.GetValue<int>(), schema["maxLength"]?.GetValue<int>(), schema["pattern"]?.GetValue<string>(), schema["format"]?.GetValue<string>());
    }

    private BodyRule? Body(JsonObject operation)
    {
        if (operation["requestBody"] is not { } body)
        {
            return null;
        }

        var schemaNode = Resolve(body)["content"]?["application/json"]?["schema"] ?? throw new ContractException($"{operation["operationId"]}: a request body is application/json");
        var name = schemaNode["$ref"]?.GetValue<string>().Split('/')[^1] ?? throw new ContractException($"{operation["operationId"]}: a request body's schema is a named component");
        var schema = Resolve(schemaNode);
        var required = (schema["required"]?.AsArray() ?? []).Select(r => r!.GetValue<string>()).ToHashSet();
        var fields = (schema["properties"]?.AsObject() ?? []).Select(p =>
        {
            var property = Resolve(p.Value!);
            return new FieldRule(p.Key, property["type"]?.GetValue<string>() ?? "object", required.Contains(p.Key), property["nullable"]?.GetValue<bool>() ?? false,
                property["minLength"]?.GetValue<int>(), property["maxLength"]?.GetValue<int>(), property["pattern"]?.GetValue<string>(), property["format"]?.GetValue<string>());
        }).ToList();
        return new BodyRule(name, fields, schema["additionalProperties"]?.GetValue<bool>() ?? true);
    }

    /// <summary>The Markdown table in info.description is for people; it must say what x-error-codes says.</summary>
    private void CheckErrorTable()
    {
        var description = Root["info"]?["description"]?.GetValue<string>() ?? "";
        var rows = TableRow().Matches(description).Select(m => (Code: m.Groups[1].Value, Status: int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), Meaning: m.Groups[3].Value.Trim())).ToList();
        var expected = ErrorCodes.Select(e => (e.Code, e.Status, Meaning: e.Description)).ToList();
        foreach (var missing in expected.Except(rows))
        {
            Problems.Add($"info.description: the error table lacks the row | `{missing.Code}` | {missing.Status} | {missing.Meaning} | (from x-error-codes)");
        }

        foreach (var extra in rows.Except(expected))
        {
            Problems.Add($"info.description: the error table's row for {extra.Code} ({extra.Status}, '{extra.Meaning}') is not in x-error-codes as such");
        }
    }

    [GeneratedRegex("^[A-Z][A-Z0-9_]*$")]
    private static partial Regex CodePattern();

    [GeneratedRegex(@"^\| `([A-Z][A-Z0-9_]*)` \| (\d{3}) \| (.*) \|$", RegexOptions.Multiline)]
    private static partial Regex TableRow();
}
