using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Customers.Contract.Codegen;

/// <summary>
/// Writes, for the client, the schema of every 2xx JSON body of every operation: the client checks
/// each successful answer against it (nulls at any depth included), so the check follows the
/// contract when it changes instead of a hand-written list. Named schemas become fields, written
/// after the schemas they use; inline schemas are written in place.
/// </summary>
public static class ResponseSchemaWriter
{
    public static void Write(StringBuilder code, ContractModel contract)
    {
        var g = VocabularyWriter.Generated;
        code.Append($$"""

            /// <summary>A JSON schema as the client checks an answer against it: type, nullable, format, an object's properties and required fields, an array's items.</summary>
            {{g}}
            internal sealed record ResponseSchema(string Type, bool Nullable, string? Format, System.Collections.Generic.IReadOnlyDictionary<string, ResponseSchema>? Properties,
                System.Collections.Generic.IReadOnlyList<string> Required, ResponseSchema? Items);

            /// <summary>The schema of each operation's 2xx JSON body.</summary>
            {{g}}
            internal static class ContractResponseSchemas
            {

            """);
        var named = new List<string>();
        var answers = new List<(string Operation, string Status, string Expression)>();
        foreach (var (_, item) in contract.Root["paths"]!.AsObject())
        {
            foreach (var (method, value) in item!.AsObject())
            {
                if (value is not JsonObject operation || operation["operationId"]?.GetValue<string>() is not { } id)
                {
                    continue;
                }

                foreach (var (status, response) in operation["responses"]?.AsObject() ?? [])
                {
                    if (status.StartsWith('2') && contract.Resolve(response!)["content"]?["application/json"]?["schema"] is { } schema)
                    {
                        answers.Add((id, status, Expression(contract, schema, named, [])));
                    }
                }
            }
        }

        foreach (var field in named)
        {
            code.Append(field);
        }

        code.Append("    public static ResponseSchema? For(string operationId, int status) => (operationId, status) switch\n    {\n");
        foreach (var (operation, status, expression) in answers)
        {
            code.Append(CultureInfo.InvariantCulture, $"        ({VocabularyWriter.Literal(operation)}, {status}) => {expression},\n");
        }

        code.Append("        _ => null,\n    };\n}\n");
    }

    // A named schema's field is added to `named` once, after the fields it refers to.
    private static string Expression(ContractModel contract, JsonNode node, List<string> named, HashSet<string> visiting)
    {
        if (node["$ref"]?.GetValue<string>() is { } reference && reference.StartsWith("#/components/schemas/", StringComparison.Ordinal))
        {
            var name = VocabularyWriter.Pascal(reference.Split('/')[^1]);
            if (!visiting.Add(name))
            {
                throw new ContractException($"{reference} refers to itself; the client's answer check does not support recursive schemas");
            }

            if (!named.Any(f => f.Contains($" ResponseSchema {name} =", StringComparison.Ordinal)))
            {
                var body = Inline(contract, contract.Resolve(node), named, visiting);
                named.Add($"    private static readonly ResponseSchema {name} = {body};\n\n");
            }

            visiting.Remove(name);
            return name;
        }

        return Inline(contract, contract.Resolve(node), named, visiting);
    }

    private static string Inline(ContractModel contract, JsonObject schema, List<string> named, HashSet<string> visiting)
    {
        var type = schema["type"]?.GetValue<string>() ?? (schema["properties"] is not null ? "object" : throw new ContractException("a response schema without a type"));
        var nullable = schema["nullable"]?.GetValue<bool>() ?? false;
        var format = schema["format"]?.GetValue<string>();
        var properties = "null";
        if (schema["properties"] is JsonObject props)
        {
            var entries = props.Select(p => $"[{VocabularyWriter.Literal(p.Key)}] = {Expression(contract, p.Value!, named, visiting)}");
            properties = $"new System.Collections.Generic.Dictionary<string, ResponseSchema>(System.StringComparer.Ordinal) {{ {string.Join(", ", entries)} }}";
        }

        var required = string.Join(", ", (schema["required"]?.AsArray() ?? []).Select(r => VocabularyWriter.Literal(r!.GetValue<string>())));
        var items = schema["items"] is { } itemSchema ? Expression(contract, itemSchema, named, visiting) : "null";
        return string.Create(CultureInfo.InvariantCulture,
            $"new({VocabularyWriter.Literal(type)}, {VocabularyWriter.Bool(nullable)}, {VocabularyWriter.Literal(format)}, {properties}, [{required}], {items})");
    }
}
