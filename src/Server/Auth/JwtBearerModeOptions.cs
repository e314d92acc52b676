using Customers.Server.Infrastructure;

namespace Customers.Server.Auth;

/// <summary>
/// The optional Bearer JWT mode (section "Authentication:Jwt"), for networks where callers cannot
/// be trusted to say who they are. With an identity provider (<see cref="Authority"/> or
/// <see cref="MetadataAddress"/>) every operation needs a token that the provider signed with one
/// of the keys of its JWKS (fetched through OpenID Connect discovery, refreshed when a token names
/// a new key), issued by it, for <see cref="Audience"/>; roles come from <see cref="RolesClaim"/>,
/// organizations from <see cref="OrgsClaim"/>, and x-auth-roles is ignored. Without any of these
/// settings the gateway's x-auth-roles header is trusted (the default).
/// </summary>
public sealed class JwtBearerModeOptions
{
    public const string Section = "Authentication:Jwt";

    /// <summary>The identity provider's issuer URL; discovery is at {Authority}/.well-known/openid-configuration.</summary>
    public string? Authority { get; set; }

    /// <summary>The discovery document's address, when it is not under <see cref="Authority"/>.</summary>
    public string? MetadataAddress { get; set; }

    /// <summary>The expected issuer (iss); with an identity provider it defaults to the discovery document's.</summary>
    public string? Issuer { get; set; }

    /// <summary>
    /// Development and tests only: an HS256 shared secret (at least 32 bytes) instead of an identity
    /// provider. No provider hands out its signing secret, and such a key cannot rotate.
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>Required in JWT mode: this API's name in the token's aud claim, so that a token minted for another API is refused.</summary>
    public string? Audience { get; set; }

    public string RolesClaim { get; set; } = "roles";

    /// <summary>The claim with the organizations the token may act on: one org id, or an array of them.</summary>
    public string OrgsClaim { get; set; } = "orgs";

    /// <summary>The least time between two JWKS fetches that a token with an unknown key id causes.</summary>
    public TimeSpan KeyRefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the discovery document and JWKS are fetched again in any case.</summary>
    public TimeSpan KeysMaxAge { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Allowed difference between the provider's clock and this one for exp and nbf.</summary>
    [TimeSpanRange(OptionRules.Zero, "00:05:00", ErrorMessage = "must be from 0 to 00:05:00.")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    public bool UsesIdentityProvider => !string.IsNullOrWhiteSpace(Authority) || !string.IsNullOrWhiteSpace(MetadataAddress);

    public bool IsConfigured => UsesIdentityProvider || !string.IsNullOrWhiteSpace(SigningKey) || !string.IsNullOrWhiteSpace(Issuer)
        || !string.IsNullOrWhiteSpace(Audience);
}
