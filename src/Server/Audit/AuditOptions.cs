namespace Customers.Server.Audit;

/// <summary>The audit trail's settings (section "Audit"); docs/audit-trail.md says why each default.</summary>
public sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>How long events are kept. 400 days: a year of audits plus a month to act on one.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(400);

    /// <summary>Expired events are purged this long after the start, then every <see cref="PurgeInterval"/>.</summary>
    public TimeSpan PurgeFirstDelay { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The first wait after a failed purge; each further failure doubles it, up to <see cref="PurgeInterval"/>.</summary>
    public TimeSpan PurgeRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The most events one purge statement removes per organization, so that a backlog never holds a chain long.</summary>
    public int PurgeBatchSize { get; set; } = 1000;

    /// <summary>
    /// PostgreSQL: how often each instance seals the audit events still pending in any organization
    /// (those of an instance that stopped between a change's commit and its seal). Events are
    /// sealed right after their change and before any read of the trail, so this bounds only how
    /// long such leftovers wait when nobody reads.
    /// </summary>
    public TimeSpan SealSweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The most refusal (401/403) warnings written per second; the rest are counted in the next line written.</summary>
    public int RefusalLogLinesPerSecond { get; set; } = 10;

    public string? Problem() =>
        Retention <= TimeSpan.Zero ? $"{Section}:{nameof(Retention)} must be positive."
        : PurgeInterval <= TimeSpan.Zero || PurgeRetryDelay <= TimeSpan.Zero || PurgeFirstDelay < TimeSpan.Zero ? $"{Section}: the purge's delays must be positive."
        : SealSweepInterval <= TimeSpan.Zero ? $"{Section}:{nameof(SealSweepInterval)} must be positive."
        : PurgeBatchSize < 1 ? $"{Section}:{nameof(PurgeBatchSize)} must be at least 1."
        : RefusalLogLinesPerSecond < 1 ? $"{Section}:{nameof(RefusalLogLinesPerSecond)} must be at least 1."
        : null;
}
