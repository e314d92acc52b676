using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Serialization;
using Customers.Server.Errors;

namespace Customers.Server.Validation;

/// <summary>Validates a deserialized request body against the rules generated onto its DTO.</summary>
public static class BodyValidator
{
    private sealed record Field(PropertyInfo Property, string JsonName, System.ComponentModel.DataAnnotations.ValidationAttribute[] Rules);

    private static readonly ConcurrentDictionary<Type, Field[]> Fields = new();

    public static IEnumerable<RequestError> Validate(object body)
    {
        foreach (var field in FieldsOf(body.GetType()))
        {
            var error = ContractRules.FirstBroken(field.Rules, field.Property.GetValue(body), field.JsonName, "body");
            if (error is not null)
            {
                yield return error;
            }
        }
    }

    private static Field[] FieldsOf(Type type) => Fields.GetOrAdd(type, t => t
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Select(p => new Field(p, p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? p.Name, ContractRules.AttributesOf(p)))
        .Where(f => f.Rules.Length > 0)
        .ToArray());
}
