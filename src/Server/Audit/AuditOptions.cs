using Customers.Server.Infrastructure;

namespace Customers.Server.Audit;

/// <summary>The audit trail's settings (section "Audit"); docs/audit-trail.md says why each default.</summary>
public sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>How long events are kept. 400 days: a year of audits plus a month to act on one.</summary>
    [TimeSpanRange(OptionRules.Zero, MinimumIsExclusive = true, ErrorMessage = OptionRules.PositiveTimeSpan)]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(400);

    /// <summary>Expired events are purged this long after the start, then every <see cref="PurgeInterval"/>.</summary>
    [TimeSpanRange(OptionRules.Zero, ErrorMessage = OptionRules.NotNegativeTimeSpan)]
    public TimeSpan PurgeFirstDelay { get; set; } = TimeSpan.FromMinutes(1);

    [TimeSpanRange(OptionRules.Zero, MinimumIsExclusive = true, ErrorMessage = OptionRules.PositiveTimeSpan)]
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The first wait after a failed purge; each further failure doubles it, up to <see cref="PurgeInterval"/>.</summary>
    [TimeSpanRange(OptionRules.Zero, MinimumIsExclusive = true, ErrorMessage = OptionRules.PositiveTimeSpan)]
    public TimeSpan PurgeRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The most events one purge statement removes per organization, so that a backlog never holds a chain long.</summary>
    [Minimum(1, ErrorMessage = OptionRules.AtLeastOne)]
    public int PurgeBatchSize { get; set; } = 1000;

    /// <summary>
    /// PostgreSQL: how often each instance seals the audit events still pending in any organization
    /// (those of an instance that stopped between a change's commit and its seal). Events are
    /// sealed right after their change and before any read of the trail, so this bounds only how
    /// long such leftovers wait when nobody reads.
    /// </summary>
    [TimeSpanRange(OptionRules.Zero, MinimumIsExclusive = true, ErrorMessage = OptionRules.PositiveTimeSpan)]
    public TimeSpan SealSweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The most refusal (401/403) warnings written per second; the rest are counted in the next line written.</summary>
    [Minimum(1, ErrorMessage = OptionRules.AtLeastOne)]
    public int RefusalLogLinesPerSecond { get; set; } = 10;
}
