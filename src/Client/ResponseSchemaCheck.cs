using System.Globalization;
using System.Text.Json;

namespace Customers.Client;

/// <summary>
/// Checks a successful answer's JSON against the schema the contract gives it
/// (<see cref="ContractResponseSchemas"/>, generated): a null where the schema allows none, at any
/// depth and in list items, a missing required field, a wrong type or format. Returns the first
/// problem with its JSON path, or null. A field the schema does not define is accepted (a tolerant
/// reader): a newer service may add one in a minor version, and refusing it would turn a
/// compatible change into an outage. Lengths and patterns are not checked: they are the service's
/// own invariants on what it stored, and checking them would cost every call a regular expression
/// per field.
/// </summary>
internal static class ResponseSchemaCheck
{
    public static string? Check(byte[] body, ResponseSchema schema)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return Check(document.RootElement, schema)?.ToString();
        }
        catch (JsonException exception)
        {
            return $"$: not JSON ({exception.Message})";
        }
    }

    // The path is built only on the way back from a problem: a valid answer allocates no strings.
    private static Problem? Check(JsonElement element, ResponseSchema schema)
    {
        if (element.ValueKind == JsonValueKind.Null)
        {
            return schema.Nullable ? null : new Problem("is null, which the schema does not allow");
        }

        return schema.Type switch
        {
            "object" => element.ValueKind == JsonValueKind.Object ? Object(element, schema) : WrongType(schema, element),
            "array" => element.ValueKind == JsonValueKind.Array ? Array(element, schema) : WrongType(schema, element),
            "string" => element.ValueKind == JsonValueKind.String ? Format(element, schema) : WrongType(schema, element),
            "integer" => element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out _) ? null : WrongType(schema, element),
            "number" => element.ValueKind == JsonValueKind.Number ? null : WrongType(schema, element),
            "boolean" => element.ValueKind is JsonValueKind.True or JsonValueKind.False ? null : WrongType(schema, element),
            _ => null,
        };
    }

    private static Problem? Object(JsonElement element, ResponseSchema schema)
    {
        foreach (var name in schema.Required)
        {
            if (!element.TryGetProperty(name, out _))
            {
                return new Problem("is missing, and the schema requires it").In("." + name);
            }
        }

        foreach (var property in element.EnumerateObject())
        {
            if (schema.Properties?.TryGetValue(property.Name, out var child) == true && Check(property.Value, child) is { } problem)
            {
                return problem.In("." + property.Name);
            }
        }

        return null;
    }

    private static Problem? Array(JsonElement element, ResponseSchema schema)
    {
        if (schema.Items is null)
        {
            return null;
        }

        var index = 0;
        foreach (var item in element.EnumerateArray())
        {
            if (Check(item, schema.Items) is { } problem)
            {
                return problem.In(string.Create(CultureInfo.InvariantCulture, $"[{index}]"));
            }

            index++;
        }

        return null;
    }

    private static Problem? Format(JsonElement element, ResponseSchema schema) => schema.Format switch
    {
        "uuid" when !element.TryGetGuid(out _) => new Problem("is not a uuid"),
        "date-time" when !element.TryGetDateTimeOffset(out _) => new Problem("is not an ISO 8601 date-time"),
        _ => null,
    };

    private static Problem WrongType(ResponseSchema schema, JsonElement element) =>
        new($"is {element.ValueKind.ToString().ToLowerInvariant()} where the schema says {schema.Type}");

    private sealed class Problem(string what)
    {
        private readonly List<string> _path = [];

        public Problem In(string segment)
        {
            _path.Add(segment);
            return this;
        }

        public override string ToString() => "$" + string.Concat(Enumerable.Reverse(_path)) + " " + what;
    }
}
