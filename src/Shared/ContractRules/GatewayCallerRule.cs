using System.Text.RegularExpressions;

namespace Customers.ContractRules;

/// <summary>
/// The gateway's caller header (the contract's x-caller-header on the gateway security scheme):
/// one line within its maxLength and pattern, or 400 INVALID_PARAMETER at header.x-auth-caller.
/// One rule for the service and the fake.
/// </summary>
internal static class GatewayCallerRule
{
    // The whole value must match (.NET's $ would also pass a trailing newline).
    private static readonly Regex Shape = new(Vocabulary.ContractHeaders.CallerPattern, RegexOptions.CultureInvariant);

    /// <summary>
    /// Null when the header is absent or well-formed; otherwise what breaks. <paramref name="lines"/>
    /// is how many times the request carried it: two values (a proxy that appended one) are refused.
    /// </summary>
    public static RuleBreak? Check(string? value, int lines = 1) =>
        lines == 0 || (lines == 1 && value is { Length: > 0 and <= Vocabulary.ContractHeaders.CallerMaxLength } && Shape.Match(value) is { Success: true, Index: 0 } match && match.Length == value.Length)
            ? null
            : new(Vocabulary.ContractErrors.InvalidParameter, "header." + Vocabulary.ContractHeaders.Caller,
                $"{Vocabulary.ContractHeaders.Caller} must be one line of at most {Vocabulary.ContractHeaders.CallerMaxLength} visible ASCII characters and spaces.");
}
