using System.ComponentModel.DataAnnotations;
using Customers.Precis;

namespace Customers.Server.Validation;

/// <summary>
/// The contract's <c>format: precis-username-casemapped</c>: the string must be a username under
/// the PRECIS UsernameCaseMapped profile (RFC 8265). The generator puts it on the DTO property;
/// <see cref="ContractRules"/> answers INVALID_USERNAME with the profile's reason.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class PrecisUsernameAttribute : ValidationAttribute
{
    public override bool IsValid(object? value) => value is not string text || UsernameCaseMapped.TryEnforce(text, out _, out _);

    /// <summary>Why <paramref name="text"/> is not a username, or null when it is one.</summary>
    public static string? Problem(string text) => UsernameCaseMapped.TryEnforce(text, out _, out var problem) ? null : problem;
}
