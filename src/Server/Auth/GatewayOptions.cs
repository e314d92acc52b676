namespace Customers.Server.Auth;

/// <summary>
/// Gateway mode (section "Authentication:Gateway"): how the service knows that x-auth-roles comes
/// from its gateway. With <see cref="ClientCertificateAuthority"/> set, the header counts only on
/// a connection whose client certificate chains to that CA (mutual TLS, checked by ASP.NET Core's
/// certificate authentication); every other request answers 401 UNTRUSTED_GATEWAY.
/// </summary>
public sealed class GatewayOptions
{
    public const string Section = "Authentication:Gateway";

    /// <summary>A PEM file with the certificate(s) of the CA(s) whose client certificates may speak for callers.</summary>
    public string? ClientCertificateAuthority { get; set; }

    public bool RequiresClientCertificate => !string.IsNullOrWhiteSpace(ClientCertificateAuthority);
}
