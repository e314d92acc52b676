using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Customers.ContractChecks;

/// <summary>A documented response: its status, its media type (null when it has no body), schema and examples.</summary>
public sealed class ContractResponse(int status, string? mediaType, JsonSchema? schema, IReadOnlyList<ContractExample> examples)
{
    private static readonly EvaluationOptions Options = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    public int Status { get; } = status;

    public string? MediaType { get; } = mediaType;

    public IReadOnlyList<ContractExample> Examples { get; } = examples;

    /// <summary>The schema's complaints about <paramref name="body"/>, each as "JSON pointer: message"; empty when it is valid.</summary>
    public IReadOnlyList<string> Validate(JsonElement body)
    {
        if (schema is null)
        {
            return [];
        }

        var result = schema.Evaluate(body, Options);
        if (result.IsValid)
        {
            return [];
        }

        var problems = (result.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{Pointer(d.InstanceLocation.ToString())}: {e.Value} (schema {d.EvaluationPath})"))
            .Distinct()
            .ToList();
        return problems.Count > 0 ? problems : ["/: does not match the schema"];
    }

    private static string Pointer(string location) => location.Length == 0 ? "/" : location;
}

/// <summary>A named example of a response body, from the contract.</summary>
public sealed record ContractExample(string Name, JsonNode Value);
