namespace Customers.Server.Auth;

/// <summary>
/// The optional Bearer JWT mode (section "Authentication:Jwt"). With an issuer and a signing key
/// configured, every operation needs a valid HS256 token from that issuer, and the roles come from
/// its <see cref="RolesClaim"/> claim; x-auth-roles is ignored. Otherwise the gateway's
/// x-auth-roles header is trusted (the default).
/// </summary>
public sealed class JwtBearerModeOptions
{
    public const string Section = "Authentication:Jwt";

    public string? Issuer { get; set; }

    /// <summary>The HS256 key, as text; at least 32 bytes.</summary>
    public string? SigningKey { get; set; }

    /// <summary>Checked only when set.</summary>
    public string? Audience { get; set; }

    public string RolesClaim { get; set; } = "roles";

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Issuer) && !string.IsNullOrWhiteSpace(SigningKey);
}
