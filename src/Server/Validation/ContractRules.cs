using Customers.Server.Contract;
using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Customers.Server.Errors;

namespace Customers.Server.Validation;

/// <summary>
/// Checks a value against the DataAnnotations that the generator derived from the contract
/// (required, minLength/maxLength, pattern, the username format) and says which rule failed, so that each failure
/// gets its own stable error code. Nothing here knows a field name or a limit: they all come
/// from the generated attributes.
/// </summary>
public static class ContractRules
{
    private static readonly ConcurrentDictionary<ICustomAttributeProvider, ValidationAttribute[]> AttributeCache = new();

    /// <summary>
    /// The rules on a DTO property or an action parameter. A parameter's rules sit on the generated
    /// abstract method; Attribute.GetCustomAttributes finds them from the override (ParameterInfo's own
    /// GetCustomAttributes ignores inheritance).
    /// </summary>
    public static ValidationAttribute[] AttributesOf(ICustomAttributeProvider member) =>
        AttributeCache.GetOrAdd(member, m => (m is ParameterInfo parameter
                ? Attribute.GetCustomAttributes(parameter, typeof(ValidationAttribute), inherit: true)
                : m.GetCustomAttributes(typeof(ValidationAttribute), inherit: true))
            .Cast<ValidationAttribute>()
            .OrderBy(a => a is RequiredAttribute ? 0 : 1)
            .ToArray());

    /// <summary>The first rule that <paramref name="value"/> breaks, or null.</summary>
    /// <param name="name">The JSON or parameter name, as the contract spells it.</param>
    /// <param name="where">"body", "path", "query" or "header": body fields get specific codes, parameters INVALID_PARAMETER.</param>
    public static RequestError? FirstBroken(ValidationAttribute[] rules, object? value, string name, string where)
    {
        foreach (var rule in rules)
        {
            // JSON Schema semantics: required means present (and, for these schemas, not null);
            // an empty string is present and breaks minLength instead.
            if (rule is RequiredAttribute)
            {
                if (value is null)
                {
                    return ContractErrors.MissingField.At(Reference(), $"{name} is required.");
                }

                continue;
            }

            if (value is null)
            {
                return null;
            }

            var error = rule switch
            {
                StringLengthAttribute length when value is string text => CheckLength(length, text, name, where),
                RegularExpressionAttribute pattern when !pattern.IsValid(value) => Broken(where, ContractErrors.InvalidFieldFormat, Reference(), $"{name} does not match the pattern {pattern.Pattern}."),
                PrecisUsernameAttribute when value is string text && PrecisUsernameAttribute.Problem(text) is { } problem =>
                    Broken(where, ContractErrors.InvalidUsername, Reference(), problem),
                _ when !rule.IsValid(value) => Broken(where, ContractErrors.InvalidFieldFormat, Reference(), $"{name} breaks the rule {rule.GetType().Name.Replace("Attribute", string.Empty)}."),
                _ => null,
            };
            if (error is not null)
            {
                return error;
            }
        }

        return null;

        string Reference() => $"{where}.{name}"; // Only for a failure: the valid path allocates nothing here.
    }

    // JSON Schema counts characters (code points), not UTF-16 units as StringLengthAttribute does.
    private static RequestError? CheckLength(StringLengthAttribute rule, string text, string name, string where)
    {
        var characters = CountRunes(text);
        if (characters > rule.MaximumLength)
        {
            return Broken(where, ContractErrors.FieldTooLong, $"{where}.{name}",
                $"{name} must be at most {rule.MaximumLength} characters; it has {characters}.");
        }

        if (characters < rule.MinimumLength)
        {
            return Broken(where, ContractErrors.FieldTooShort, $"{where}.{name}",
                $"{name} must be at least {rule.MinimumLength} character{(rule.MinimumLength == 1 ? string.Empty : "s")}; it has {characters}.");
        }

        return null;
    }

    // As EnumerateRunes counts: a surrogate pair is one character, a lone surrogate one as well.
    private static int CountRunes(string text)
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

    // A parameter's broken rule is INVALID_PARAMETER whatever the rule; a body field's names the rule.
    private static RequestError Broken(string where, ContractError bodyError, string reference, string message) =>
        (where == "body" ? bodyError : ContractErrors.InvalidParameter).At(reference, message);
}
