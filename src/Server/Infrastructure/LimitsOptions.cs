using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Customers.Server.Infrastructure;

/// <summary>Request limits (section "Limits").</summary>
public sealed class LimitsOptions
{
    public const string Section = "Limits";

    /// <summary>The largest request body accepted; larger ones answer 413. A credential body is under 200 bytes.</summary>
    [Minimum(1, ErrorMessage = OptionRules.AtLeastOneKestrel)]
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// All request headers together; more answers 431 from Kestrel, before the service runs, so
    /// with no body. 16 KiB leaves room for a gateway's headers and a bearer token.
    /// </summary>
    [Minimum(1, ErrorMessage = OptionRules.AtLeastOneKestrel)]
    public int MaxRequestHeadersTotalBytes { get; set; } = 16 * 1024;

    /// <summary>The number of request headers; more answers 431 (no body).</summary>
    [Minimum(1, ErrorMessage = OptionRules.AtLeastOneKestrel)]
    public int MaxRequestHeaderCount { get; set; } = 64;

    /// <summary>The request line (method, path, version); longer answers 414 (no body). Paths here are under 200 bytes.</summary>
    [Minimum(1, ErrorMessage = OptionRules.AtLeastOneKestrel)]
    public int MaxRequestLineBytes { get; set; } = 4 * 1024;
}

/// <summary>
/// Kestrel's limits from <see cref="LimitsOptions"/>, read through IOptions so that they are
/// validated first: Kestrel's setters throw on 0 or less while the host is built, and that would be
/// a stack trace instead of the one start-up line.
/// </summary>
public sealed class KestrelLimits(IOptions<LimitsOptions> options) : IConfigureOptions<KestrelServerOptions>
{
    public void Configure(KestrelServerOptions kestrel)
    {
        var limits = options.Value;
        kestrel.Limits.MaxRequestBodySize = limits.MaxRequestBodyBytes;
        kestrel.Limits.MaxRequestHeadersTotalSize = limits.MaxRequestHeadersTotalBytes;
        kestrel.Limits.MaxRequestHeaderCount = limits.MaxRequestHeaderCount;
        kestrel.Limits.MaxRequestLineSize = limits.MaxRequestLineBytes;
    }
}
