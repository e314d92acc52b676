using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Customers.Server.Auth;

/// <summary>
/// The rules of JWT mode that span several settings: which ones go together, and the bounds that
/// hold only with an identity provider. Half a JWT configuration must not fall back to trusting
/// x-auth-roles, and a mistake must not only show as every token refused. ClockSkew's bounds are a
/// DataAnnotation; that a signing key is for Development only is an environment rule (TrustProblems).
/// </summary>
public sealed class JwtBearerModeRules : IValidateOptions<JwtBearerModeOptions>
{
    public ValidateOptionsResult Validate(string? name, JwtBearerModeOptions options) =>
        Problem(options) is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;

    private static string? Problem(JwtBearerModeOptions jwt)
    {
        if (!jwt.IsConfigured)
        {
            return null;
        }

        var key = !string.IsNullOrWhiteSpace(jwt.SigningKey);
        if (jwt.UsesIdentityProvider && key)
        {
            return "Authentication:Jwt takes an identity provider (Authority or MetadataAddress) or a SigningKey (development only), not both.";
        }

        if (!jwt.UsesIdentityProvider && !key)
        {
            return "Authentication:Jwt needs an identity provider: Authority (or MetadataAddress) of its OpenID Connect discovery document.";
        }

        if (string.IsNullOrWhiteSpace(jwt.Audience))
        {
            return "Authentication:Jwt:Audience is required in JWT mode: the name of this API in the tokens' aud claim.";
        }

        if (!jwt.UsesIdentityProvider)
        {
            return string.IsNullOrWhiteSpace(jwt.Issuer) ? "Authentication:Jwt:SigningKey needs Authentication:Jwt:Issuer too."
                : Encoding.UTF8.GetByteCount(jwt.SigningKey!) < 32 ? "Authentication:Jwt:SigningKey must be at least 32 bytes (HS256)."
                : null;
        }

        var address = jwt.MetadataAddress ?? jwt.Authority!;
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && !(uri.Scheme == Uri.UriSchemeHttp && AuthenticationSetup.IsLoopback(address))))
        {
            return $"Authentication:Jwt:{(jwt.MetadataAddress is null ? "Authority" : "MetadataAddress")} must be an https URL (http only on a loopback address); it is '{address}'.";
        }

        // IdentityModel's ConfigurationManager throws on the first request below these (IDX10107, IDX10108).
        return jwt.KeyRefreshInterval < BaseConfigurationManager.MinimumRefreshInterval || jwt.KeysMaxAge < BaseConfigurationManager.MinimumAutomaticRefreshInterval
            ? $"Authentication:Jwt:KeyRefreshInterval must be at least {BaseConfigurationManager.MinimumRefreshInterval:c} and KeysMaxAge at least {BaseConfigurationManager.MinimumAutomaticRefreshInterval:c} (IdentityModel's lower bounds); they are {jwt.KeyRefreshInterval:c} and {jwt.KeysMaxAge:c}."
            : null;
    }
}
