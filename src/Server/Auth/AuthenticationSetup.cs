using System.Net;
using System.Text;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Customers.Server.Auth;

public static class AuthenticationSetup
{
    // Asymmetric signatures only with an identity provider: an HS* algorithm there would let a
    // token "signed" with the provider's public key pass (algorithm confusion); none is refused by
    // RequireSignedTokens.
    private static readonly string[] ProviderAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    /// <summary>Registers the Bearer JWT scheme when <see cref="JwtBearerModeOptions"/> is configured; nothing otherwise.</summary>
    public static IServiceCollection AddCustomersAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        var jwt = configuration.GetSection(JwtBearerModeOptions.Section).Get<JwtBearerModeOptions>() ?? new JwtBearerModeOptions();
        services.AddSingleton(jwt);
        if (!jwt.IsConfigured)
        {
            return services;
        }

        services.AddAuthentication().AddJwtBearer(JwtBearerDefaults.AuthenticationScheme, options =>
        {
            options.MapInboundClaims = false; // Keep "roles" and "orgs" as they are named.
            if (jwt.UsesIdentityProvider)
            {
                options.Authority = jwt.Authority;
                options.MetadataAddress = string.IsNullOrWhiteSpace(jwt.MetadataAddress) ? null! : jwt.MetadataAddress;
                options.RequireHttpsMetadata = !IsLoopback(jwt.MetadataAddress ?? jwt.Authority!);
                options.RefreshOnIssuerKeyNotFound = true;
                var metadata = jwt.MetadataAddress ?? jwt.Authority!.TrimEnd('/') + "/.well-known/openid-configuration";
                // Its own configuration manager, so that a retired key is refused once the JWKS no longer
                // serves it: the default one would keep validating against the last known good keys.
                options.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(metadata, new OpenIdConnectConfigurationRetriever(),
                    new HttpDocumentRetriever { RequireHttps = options.RequireHttpsMetadata })
                {
                    RefreshInterval = jwt.KeyRefreshInterval,
                    AutomaticRefreshInterval = jwt.KeysMaxAge,
                    UseLastKnownGoodConfiguration = false,
                };
            }

            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidateIssuer = true,
                ValidIssuer = string.IsNullOrWhiteSpace(jwt.Issuer) ? null : jwt.Issuer,
                ValidateAudience = true,
                ValidAudience = jwt.Audience,
                ValidateLifetime = true,
                RequireExpirationTime = true,
                ClockSkew = jwt.ClockSkew,
                RequireSignedTokens = true,
                ValidateIssuerSigningKey = true,
                IssuerSigningKey = jwt.UsesIdentityProvider ? null : new SymmetricSecurityKey(Encoding.UTF8.GetBytes(jwt.SigningKey!)),
                ValidAlgorithms = jwt.UsesIdentityProvider ? ProviderAlgorithms : [SecurityAlgorithms.HmacSha256],
                RoleClaimType = jwt.RolesClaim,
            };
        });
        return services;
    }

    /// <summary>Plain http is accepted for the identity provider's metadata only on a loopback address (tests, a sidecar).</summary>
    public static bool IsLoopback(string address) =>
        Uri.TryCreate(address, UriKind.Absolute, out var uri)
        && (uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip)));
}
