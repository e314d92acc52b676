namespace Customers.Server.Infrastructure;

/// <summary>Request limits (section "Limits").</summary>
public sealed class LimitsOptions
{
    public const string Section = "Limits";

    /// <summary>The largest request body accepted; larger ones answer 413. A credential body is under 200 bytes.</summary>
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// All request headers together; more answers 431 from Kestrel, before the service runs, so
    /// with no body. 16 KiB leaves room for a gateway's headers and a bearer token.
    /// </summary>
    public int MaxRequestHeadersTotalBytes { get; set; } = 16 * 1024;

    /// <summary>The number of request headers; more answers 431 (no body).</summary>
    public int MaxRequestHeaderCount { get; set; } = 64;

    /// <summary>The request line (method, path, version); longer answers 414 (no body). Paths here are under 200 bytes.</summary>
    public int MaxRequestLineBytes { get; set; } = 4 * 1024;
}
