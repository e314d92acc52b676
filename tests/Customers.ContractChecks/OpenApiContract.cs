using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace Customers.ContractChecks;

/// <summary>
/// The contract as tests see it: every operation of <c>openapi/customers-v4.yaml</c> with its
/// documented responses, their media types, JSON schemas and examples.
/// </summary>
public sealed class OpenApiContract
{
    private static readonly Lazy<OpenApiContract> LazyDefault = new(() => Load(Path.Combine(AppContext.BaseDirectory, "customers-v4.yaml")));

    private OpenApiContract(string filePath, IReadOnlyList<ContractOperation> operations, IReadOnlyList<ContractErrorCode> errors)
    {
        FilePath = filePath;
        Operations = operations;
        Errors = errors;
        ErrorCodes = errors.ToDictionary(e => e.Code, e => e.Status);
    }

    /// <summary>The repository's contract, copied next to the test assembly at build time.</summary>
    public static OpenApiContract Default => LazyDefault.Value;

    public string FilePath { get; }

    public IReadOnlyList<ContractOperation> Operations { get; }

    /// <summary>The contract's error vocabulary (x-error-codes): code, status and title.</summary>
    public IReadOnlyList<ContractErrorCode> Errors { get; }

    /// <summary>The header that every response of the service carries (components/headers/TraceId), with its schema's pattern.</summary>
    public required (string Name, System.Text.RegularExpressions.Regex Pattern) TraceIdHeader { get; init; }

    /// <summary>Code → status, from <see cref="Errors"/>.</summary>
    public IReadOnlyDictionary<string, int> ErrorCodes { get; }

    public ContractOperation Operation(string operationId) =>
        Operations.SingleOrDefault(o => o.OperationId == operationId)
        ?? throw new ArgumentException($"The contract has no operation {operationId}.", nameof(operationId));

    /// <summary>The operations whose path template matches <paramref name="path"/>, whatever their method.</summary>
    public IReadOnlyList<ContractOperation> OperationsAt(string path) => Operations.Where(o => o.Matches(path)).ToList();

    public static OpenApiContract Load(string filePath)
    {
        var settings = new OpenApiReaderSettings();
        settings.AddYamlReader();
        var result = OpenApiDocument.Load(new MemoryStream(File.ReadAllBytes(filePath)), "yaml", settings);
        if (result.Document is null || result.Diagnostic?.Errors.Count > 0)
        {
            throw new InvalidOperationException($"{filePath} does not parse: {string.Join("; ", result.Diagnostic?.Errors.Select(e => e.ToString()) ?? [])}");
        }

        // JSON Schema validation works on the OpenAPI 3.1 form of the document, whose schemas are
        // JSON Schema 2020-12; component references become local $defs of each response schema.
        var document = result.Document;
        using var text = new StringWriter();
        document.SerializeAsV31(new OpenApiJsonWriter(text));
        var json = JsonNode.Parse(text.ToString())!.AsObject();
        var definitions = Rewrite(json["components"]?["schemas"])?.AsObject() ?? new JsonObject();

        var operations = new List<ContractOperation>();
        foreach (var (template, item) in document.Paths)
        {
            foreach (var (method, operation) in item.Operations ?? [])
            {
                var responses = new Dictionary<int, ContractResponse>();
                foreach (var (status, response) in operation.Responses ?? [])
                {
                    var code = int.Parse(status, System.Globalization.CultureInfo.InvariantCulture);
                    var rawResponse = json["paths"]![template]![method.Method.ToLowerInvariant()]!["responses"]![status]!;
                    if (rawResponse["$ref"] is { } reference)
                    {
                        rawResponse = json["components"]!["responses"]![reference.GetValue<string>().Split('/')[^1]]!;
                    }

                    var media = response.Content?.FirstOrDefault();
                    responses[code] = media is { } content
                        ? new ContractResponse(code, content.Key, SchemaFor(rawResponse["content"]![content.Key]!["schema"], definitions), ExamplesOf(content.Value))
                        : new ContractResponse(code, null, null, []);
                }

                var requestMedia = operation.RequestBody?.Content?.Values.FirstOrDefault();
                var requestExample = requestMedia?.Example ?? requestMedia?.Examples?.Values.FirstOrDefault()?.Value;
                operations.Add(new ContractOperation(operation.OperationId!, method.Method, template, responses, requestExample?.DeepClone(),
                    operation.Summary ?? "", operation.Tags?.Select(t => t.Name!).ToList() ?? []));
            }
        }

        var errors = (json["x-error-codes"]?.AsArray() ?? throw new InvalidOperationException($"{filePath} has no x-error-codes"))
            .Select(e => new ContractErrorCode(e!["code"]!.GetValue<string>(), e["status"]!.GetValue<int>(), e["title"]!.GetValue<string>()))
            .ToList();
        var traceIdName = json["components"]!["responses"]!.AsObject().SelectMany(r => r.Value!["headers"]?.AsObject() ?? [])
            .First(h => h.Value!["$ref"]?.GetValue<string>() == "#/components/headers/TraceId").Key;
        var traceIdPattern = json["components"]!["headers"]!["TraceId"]!["schema"]!["pattern"]!.GetValue<string>();
        return new OpenApiContract(filePath, operations, errors) { TraceIdHeader = new(traceIdName, new System.Text.RegularExpressions.Regex(traceIdPattern, System.Text.RegularExpressions.RegexOptions.CultureInvariant)) };
    }

    private static Json.Schema.JsonSchema? SchemaFor(JsonNode? schema, JsonObject definitions)
    {
        if (Rewrite(schema) is not JsonObject root)
        {
            return null;
        }

        root["$schema"] = "https://json-schema.org/draft/2020-12/schema";
        root["$defs"] = definitions.DeepClone();
        return Json.Schema.JsonSchema.FromText(root.ToJsonString());
    }

    private static JsonNode? Rewrite(JsonNode? schema) =>
        schema is null ? null : JsonNode.Parse(schema.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal));

    private static IReadOnlyList<ContractExample> ExamplesOf(IOpenApiMediaType media)
    {
        var examples = new List<ContractExample>();
        if (media.Example is not null)
        {
            examples.Add(new ContractExample("example", WithNulls(media.Example.DeepClone())!));
        }

        foreach (var (name, example) in media.Examples ?? new Dictionary<string, IOpenApiExample>())
        {
            if (example.Value is not null)
            {
                examples.Add(new ContractExample(name, WithNulls(example.Value.DeepClone())!));
            }
        }

        return examples;
    }

    // Microsoft.OpenApi keeps an example's null as a sentinel string (JsonNullSentinel): back to JSON null.
    private static JsonNode? WithNulls(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o.ToList())
                {
                    o[key] = WithNulls(value?.DeepClone());
                }

                return o;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    a[i] = WithNulls(a[i]?.DeepClone());
                }

                return a;
            case JsonValue v when v.IsJsonNullSentinel():
                return null;
            default:
                return node;
        }
    }
}
