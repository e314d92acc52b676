using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Customers.Server.Storage;
using Microsoft.Extensions.Options;

namespace Customers.Server.Infrastructure;

/// <summary>
/// The bounds and messages the options classes' DataAnnotations share. A message is the predicate
/// only ("must be at least 1."): <see cref="ConfigurationKeyValidator{TOptions}"/> puts the
/// configuration key in front of it, so that the start-up line reads "Storage:Backup:Keep must be at least 1.".
/// </summary>
public static class OptionRules
{
    public const string Zero = "00:00:00";

    public const string AtLeastOne = "must be at least 1.";

    public const string AtLeastOneKestrel = "must be at least 1 (Kestrel refuses 0 or less).";

    public const string ZeroOrMore = "must be 0 (no limit) or more.";

    public const string PositiveTimeSpan = "must be a positive time span such as 00:00:05.";

    public const string NotNegativeTimeSpan = "must be 00:00:00 or more.";
}

// Own attributes rather than RangeAttribute: the options source generator replaces RangeAttribute
// with a copy of its own (no reflection, trimming-safe) whose message ignores ErrorMessage
// (dotnet/runtime#123137, open), and "Storage:Backup:Keep: The field SqliteBackupOptions.Keep must
// be between 1 and 2147483647." is not a line for an operator. The generator uses these as they are.

/// <summary>A number of at least <see cref="Minimum"/>; null (not set) is valid.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class MinimumAttribute(long minimum) : ValidationAttribute($"must be at least {minimum}.")
{
    public long Minimum { get; } = minimum;

    public override bool IsValid(object? value) => value switch
    {
        null => true,
        int number => number >= Minimum,
        long number => number >= Minimum,
        double number => number >= Minimum,
        _ => false,
    };
}

/// <summary>A time span from <see cref="Minimum"/> (excluded when <see cref="MinimumIsExclusive"/>) to <see cref="Maximum"/>; invariant "c" format.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class TimeSpanRangeAttribute(string minimum, string? maximum = null) : ValidationAttribute("must be a time span in range.")
{
    public TimeSpan Minimum { get; } = TimeSpan.ParseExact(minimum, "c", CultureInfo.InvariantCulture);

    public TimeSpan Maximum { get; } = maximum is null ? TimeSpan.MaxValue : TimeSpan.ParseExact(maximum, "c", CultureInfo.InvariantCulture);

    public bool MinimumIsExclusive { get; set; }

    public override bool IsValid(object? value) =>
        value is null || (value is TimeSpan span && (MinimumIsExclusive ? span > Minimum : span >= Minimum) && span <= Maximum);
}

/// <summary>A secret given as base64 of at least <see cref="MinimumBytes"/> bytes; null (not set) is valid.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class Base64KeyAttribute(int minimumBytes) : ValidationAttribute($"must be base64 of at least {minimumBytes} bytes.")
{
    public int MinimumBytes { get; } = minimumBytes;

    public override bool IsValid(object? value) =>
        value is null || (value is string text && IdempotencyOptions.Decode(text) is { } bytes && bytes.Length >= MinimumBytes);
}

/// <summary>
/// Wraps a source-generated validator so that each failure names its configuration key: the
/// generator reports "Keep: must be at least 1." (the member, then the attribute's message); this
/// turns it into "Storage:Backup:Keep must be at least 1.", which is what an operator can act on.
/// </summary>
public sealed class ConfigurationKeyValidator<TOptions>(string section, IValidateOptions<TOptions> generated) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var result = generated.Validate(name, options);
        return result.Failed
            ? ValidateOptionsResult.Fail(result.Failures?.Select(Keyed) ?? [result.FailureMessage])
            : result;
    }

    private string Keyed(string failure)
    {
        // "Member: message" (or "Member.Nested: message") from ValidateOptionsResultBuilder.
        var colon = failure.IndexOf(": ", StringComparison.Ordinal);
        if (colon <= 0 || !IsMemberPath(failure.AsSpan(0, colon)))
        {
            return $"{section}: {failure}";
        }

        return $"{section}:{failure[..colon].Replace('.', ':')} {failure[(colon + 2)..]}";
    }

    private static bool IsMemberPath(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsLetterOrDigit(c) && c is not '_' and not '.')
            {
                return false;
            }
        }

        return true;
    }
}

public static class ValidatedOptionsRegistration
{
    /// <summary>
    /// Checks <typeparamref name="TOptions"/> with the source-generated <typeparamref name="TValidator"/>
    /// when the host starts (ValidateOnStart), its failures naming the configuration keys under
    /// <paramref name="section"/>. What dotnet/extensions does with
    /// AddOptionsWithValidateOnStart&lt;TOptions, TValidator&gt;, plus the keys in the messages.
    /// The caller binds the section: a Bind with the options type spelled out is one the
    /// configuration binding generator compiles (no reflection, Native AOT); a generic one here is not.
    /// </summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor)] TOptions, TValidator>(
        this IServiceCollection services, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>, new()
    {
        services.AddSingleton<IValidateOptions<TOptions>>(new ConfigurationKeyValidator<TOptions>(section, new TValidator()));
        return services.AddOptions<TOptions>().ValidateOnStart();
    }
}
