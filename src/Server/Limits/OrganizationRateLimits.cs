using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Customers.Server.Limits;

/// <summary>
/// One token bucket per organization and kind (reads, writes), from System.Threading.RateLimiting:
/// a partitioned limiter replenishes every bucket on one timer and drops the buckets of
/// organizations that went quiet, so memory follows the active organizations only.
/// </summary>
public sealed class OrganizationRateLimits : IDisposable
{
    private readonly PartitionedRateLimiter<(string Org, bool Write)> _limiter;

    public OrganizationRateLimits(IOptions<OrganizationLimitsOptions> options)
    {
        var limits = options.Value;
        Reads = Policy.For("reads", limits.ReadsPerSecond, limits.EffectiveReadsBurst);
        Writes = Policy.For("writes", limits.WritesPerSecond, limits.EffectiveWritesBurst);
        _limiter = PartitionedRateLimiter.Create<(string Org, bool Write), (string Org, bool Write)>(key =>
        {
            var policy = key.Write ? Writes : Reads;
            return policy.IsOff
                ? RateLimitPartition.GetNoLimiter(key)
                : RateLimitPartition.GetTokenBucketLimiter(key, _ => policy.Bucket());
        });
    }

    public Policy Reads { get; }

    public Policy Writes { get; }

    /// <summary>Takes one token of the organization's bucket; null when it has one, else the refusal.</summary>
    public Refusal? TryAcquire(string org, bool write)
    {
        using var lease = _limiter.AttemptAcquire((org, write));
        if (lease.IsAcquired)
        {
            return null;
        }

        var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
        var remaining = _limiter.GetStatistics((org, write))?.CurrentAvailablePermits ?? 0;
        return new Refusal(write ? Writes : Reads, Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)), remaining);
    }

    public void Dispose() => _limiter.Dispose();

    /// <summary>A kind's rate and burst, and its RateLimit-Policy field (draft-ietf-httpapi-ratelimit-headers).</summary>
    public sealed record Policy(string Name, double PerSecond, int Burst)
    {
        // The partitioned limiter replenishes on a 100 ms timer: a period shorter than that would
        // be rounded up, so tokens come in batches of about a tenth of the rate.
        private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

        public bool IsOff => PerSecond <= 0;

        /// <summary>q: the burst; w: the seconds an empty bucket takes to fill.</summary>
        public string Field => $"\"{Name}\";q={Burst};w={Math.Max(1, (int)Math.Ceiling(Burst / PerSecond))}";

        public static Policy For(string name, double perSecond, int burst) => new(name, perSecond, burst);

        public TokenBucketRateLimiterOptions Bucket()
        {
            var tokens = Math.Max(1, (int)Math.Round(PerSecond * Tick.TotalSeconds));
            return new TokenBucketRateLimiterOptions
            {
                TokenLimit = Burst,
                TokensPerPeriod = tokens,
                ReplenishmentPeriod = TimeSpan.FromSeconds(tokens / PerSecond),
                QueueLimit = 0, // past the limit: 429 at once, never a queued request
                AutoReplenishment = true,
            };
        }
    }

    /// <summary>Why a request was refused: its policy, how long to wait, and the tokens left.</summary>
    public sealed record Refusal(Policy Policy, int RetryAfterSeconds, long Remaining)
    {
        /// <summary>r: tokens left; t: seconds until the request can be sent again.</summary>
        public string StateField => $"\"{Policy.Name}\";r={Remaining};t={RetryAfterSeconds}";
    }
}
