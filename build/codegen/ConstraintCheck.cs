using System.Text.Json.Nodes;

namespace Customers.Contract.Codegen;

/// <summary>
/// A constraint of a request schema that nothing enforces would be a promise nobody keeps. The
/// server's validation (and the fake's) is the generated operation table read by the shared rules
/// in src/Shared/ContractRules (JSON types, unknown fields, required, lengths, patterns, the
/// formats below); this lists every keyword of a request body or parameter outside what they handle.
/// Response schemas are not validated by the service (the contract tests check them).
/// </summary>
public static class ConstraintCheck
{
    // Keywords that carry no rule, or whose rule src/Shared/ContractRules enforces.
    private static readonly HashSet<string> Handled =
    [
        "type", "description", "example", "title", "nullable", "deprecated", "readOnly", "writeOnly", "externalDocs",
        "maxLength", "minLength", "pattern", "format", "required", "properties", "additionalProperties", "$ref",
    ];

    private static readonly HashSet<string> Formats = ["uuid", "date-time", "precis-username-casemapped"];

    public static IEnumerable<string> Unhandled(ContractModel contract)
    {
        var seen = new HashSet<string>();
        foreach (var (_, item) in contract.Root["paths"]!.AsObject())
        {
            foreach (var (method, value) in item!.AsObject())
            {
                if (value is not JsonObject operation || operation["operationId"] is null)
                {
                    continue;
                }

                foreach (var parameter in operation["parameters"]?.AsArray() ?? [])
                {
                    var resolved = contract.Resolve(parameter!);
                    var where = $"parameter {resolved["name"]} ({resolved["in"]})";
                    if (resolved["schema"] is { } schema && seen.Add(where))
                    {
                        foreach (var problem in Schema(contract, where, contract.Resolve(schema), parameter: true))
                        {
                            yield return problem;
                        }
                    }
                }

                if (operation["requestBody"] is { } body && contract.Resolve(body)["content"]?["application/json"]?["schema"] is JsonObject bodySchema)
                {
                    var where = $"schema {bodySchema["$ref"]?.GetValue<string>().Split('/')[^1] ?? operation["operationId"] + " body"}";
                    if (seen.Add(where))
                    {
                        foreach (var problem in Schema(contract, where, contract.Resolve(bodySchema), parameter: false))
                        {
                            yield return problem;
                        }
                    }
                }
            }
        }
    }

    private static IEnumerable<string> Schema(ContractModel contract, string where, JsonObject schema, bool parameter)
    {
        foreach (var (keyword, value) in schema)
        {
            if (!Handled.Contains(keyword) && !keyword.StartsWith("x-", StringComparison.Ordinal))
            {
                yield return $"{where}: keyword '{keyword}' is not turned into validation by the shared rules; enforce it (src/Shared/ContractRules, build/codegen) or remove it from the contract";
            }
        }

        var type = schema["type"]?.GetValue<string>();
        if (schema["format"]?.GetValue<string>() is { } format && !Formats.Contains(format))
        {
            yield return $"{where}: keyword 'format' with value '{format}' is not turned into validation (known: {string.Join(", ", Formats)})";
        }

        if (schema["additionalProperties"] is { } additional && (additional is not JsonValue flag || flag.GetValue<bool>()))
        {
            yield return $"{where}: keyword 'additionalProperties' other than false is not turned into validation (unknown fields are refused)";
        }

        if (type is not (null or "string" or "object") || (parameter && type != "string"))
        {
            yield return $"{where}: keyword 'type' with value '{type}' is not turned into validation (request fields and parameters are strings, bodies objects)";
        }

        foreach (var (name, property) in schema["properties"]?.AsObject() ?? [])
        {
            foreach (var problem in Schema(contract, $"{where}.{name}", contract.Resolve(property!), parameter))
            {
                yield return problem;
            }
        }
    }
}
