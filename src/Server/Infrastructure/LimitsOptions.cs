namespace Customers.Server.Infrastructure;

/// <summary>Request limits (section "Limits").</summary>
public sealed class LimitsOptions
{
    public const string Section = "Limits";

    /// <summary>The largest request body accepted; larger ones answer 413. A credential body is under 200 bytes.</summary>
    public long MaxRequestBodyBytes { get; set; } = 64 * 1024;
}
