using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Customers.Server.Infrastructure;
using Microsoft.AspNetCore.Authentication.Certificate;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Options;
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

    /// <summary>
    /// Registers the Bearer JWT scheme when <see cref="JwtBearerModeOptions"/> is configured, the
    /// client-certificate scheme when <see cref="GatewayOptions"/> names a CA; nothing otherwise.
    /// Neither is a default scheme: only <see cref="RoleAuthorization"/> authenticates, on the
    /// contract's operations, so a failing handler never touches health, the docs page or the contract.
    /// </summary>
    public static IServiceCollection AddCustomersAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        var jwt = configuration.GetSection(JwtBearerModeOptions.Section).Get<JwtBearerModeOptions>() ?? new JwtBearerModeOptions();
        var gateway = configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? new GatewayOptions();
        services.AddSingleton(jwt);
        services.AddSingleton(gateway);
        // The same settings as options, so that they are validated at start with the others.
        services.AddValidatedOptions<JwtBearerModeOptions, JwtBearerModeOptionsValidator>(JwtBearerModeOptions.Section).Bind(configuration.GetSection(JwtBearerModeOptions.Section));
        services.AddSingleton<IValidateOptions<JwtBearerModeOptions>, JwtBearerModeRules>();
        // ASP.NET Core makes a lone scheme the default, and its authentication middleware then runs it
        // on every request, health and docs included, ahead of the service's own error handling.
        AppContext.SetSwitch("Microsoft.AspNetCore.Authentication.SuppressAutoDefaultScheme", true);
        if (gateway.RequiresClientCertificate && !jwt.IsConfigured)
        {
            services.AddGatewayCertificateAuthentication(gateway);
        }

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

    private static void AddGatewayCertificateAuthentication(this IServiceCollection services, GatewayOptions gateway)
    {
        services.AddAuthentication()
            .AddCertificate(CertificateAuthenticationDefaults.AuthenticationScheme, options =>
            {
                // Read when the scheme is first used, not while services are registered: an unreadable
                // file is refused at start, in one line, by TrustProblems (after registration).
                var authorities = new X509Certificate2Collection();
                authorities.ImportFromPemFile(gateway.ClientCertificateAuthority!);
                options.AllowedCertificateTypes = CertificateTypes.Chained;
                options.ChainTrustValidationMode = X509ChainTrustMode.CustomRootTrust;
                options.CustomTrustStore = authorities;
                // A private gateway CA publishes no revocation list that this service could reach;
                // revoking a gateway means removing its CA from the file (or rotating it).
                options.RevocationMode = X509RevocationMode.NoCheck;
                options.ValidateCertificateUse = true; // the certificate must be for client authentication
                options.ValidateValidityPeriod = true;
            })
            .AddCertificateCache();

        // Kestrel would check the client certificate against the machine's trust store and drop the
        // connection; the TLS handshake accepts any certificate, and the certificate scheme above
        // decides, against the gateway's CA only, so that a refusal is an ErrorResponse.
        services.Configure<KestrelServerOptions>(kestrel => kestrel.ConfigureHttpsDefaults(https => https.AllowAnyClientCertificate()));
    }

    /// <summary>Plain http is accepted for the identity provider's metadata only on a loopback address (tests, a sidecar).</summary>
    public static bool IsLoopback(string address) =>
        Uri.TryCreate(address, UriKind.Absolute, out var uri)
        && (uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip)));
}
