using Customers.Server.Infrastructure;

namespace Customers.Server.Limits;

/// <summary>
/// What one organization may use of an instance (section "Limits:Organization"): token buckets of
/// reads (GET) and writes (POST, DELETE), and a number of customers. Each limit is per instance;
/// 0 turns it off (benchmarks, bulk imports). docs/configuration.md says how the defaults were sized.
/// </summary>
public sealed class OrganizationLimitsOptions
{
    public const string Section = "Limits:Organization";

    /// <summary>Reads per second an organization may send; 0: no limit.</summary>
    [Minimum(0, ErrorMessage = OptionRules.ZeroOrMore)]
    public double ReadsPerSecond { get; set; } = 1000;

    /// <summary>Writes (creates and deletes) per second an organization may send; 0: no limit.</summary>
    [Minimum(0, ErrorMessage = OptionRules.ZeroOrMore)]
    public double WritesPerSecond { get; set; } = 200;

    /// <summary>The most reads sent at once after a quiet spell; twice the rate when unset.</summary>
    [Minimum(1, ErrorMessage = OptionRules.AtLeastOne)]
    public int? ReadsBurst { get; set; }

    /// <summary>The most writes sent at once after a quiet spell; twice the rate when unset.</summary>
    [Minimum(1, ErrorMessage = OptionRules.AtLeastOne)]
    public int? WritesBurst { get; set; }

    /// <summary>The most customers an organization may hold; one more answers 409 CUSTOMER_LIMIT_REACHED. 0: no limit.</summary>
    [Minimum(0, ErrorMessage = OptionRules.ZeroOrMore)]
    public long MaxCustomers { get; set; } = 1_000_000;

    public int EffectiveReadsBurst => ReadsBurst ?? Math.Max(1, (int)Math.Ceiling(2 * ReadsPerSecond));

    public int EffectiveWritesBurst => WritesBurst ?? Math.Max(1, (int)Math.Ceiling(2 * WritesPerSecond));
}
