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

    /// <summary>
    /// Takes one token of the organization's bucket, waiting for it in the bucket's queue when one
    /// comes within <see cref="Policy.MaxWait"/>; null once it has one, else the refusal.
    /// </summary>
    public async ValueTask<Refusal?> AcquireAsync(string org, bool write, CancellationToken cancellationToken)
    {
        using var lease = await _limiter.AcquireAsync((org, write), 1, cancellationToken);
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
        /// <summary>
        /// A request whose token comes within this waits for it rather than being refused. A flood
        /// then waits on its own connections instead of turning each refusal into another request:
        /// a refusal runs most of a read's path, so refusals at once took the cores a quiet organization needed (bench/RESULTS.md).
        /// </summary>
        public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(1);

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
                // Past what one MaxWait of the rate serves, a request is refused at once (429).
                QueueLimit = (int)Math.Floor(PerSecond * MaxWait.TotalSeconds),
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
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
