using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Customers.Server.Tests.Auth;

/// <summary>
/// A real OpenID Connect identity provider for the JWT tests, as small as it can be: a Kestrel host
/// on 127.0.0.1 that serves a discovery document and a JWKS, and signs tokens with RSA (RS256) and
/// EC (ES256) keys it generates. Keys can be made without publishing them, published, and retired,
/// as a provider rotates them.
/// </summary>
public sealed class LocalIdentityProvider : IAsyncDisposable
{
    public const string Audience = "customers-api";

    private readonly WebApplication _host;
    private readonly object _gate = new();
    private readonly List<IdentityKey> _published = [];

    private LocalIdentityProvider(WebApplication host) => _host = host;

    /// <summary>The issuer URL: the host's address, under which discovery lives.</summary>
    public string Issuer { get; private set; } = "";

    public int JwksRequests { get; private set; }

    public static async Task<LocalIdentityProvider> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var provider = new LocalIdentityProvider(builder.Build());
        provider._host.MapGet("/.well-known/openid-configuration", () => Results.Text(new JsonObject
        {
            ["issuer"] = provider.Issuer,
            ["jwks_uri"] = provider.Issuer + "/jwks",
            ["id_token_signing_alg_values_supported"] = new JsonArray("RS256", "ES256"),
        }.ToJsonString(), "application/json"));
        provider._host.MapGet("/jwks", () => Results.Text(provider.Jwks(), "application/json"));
        await provider._host.StartAsync();
        provider.Issuer = provider._host.Urls.Single();
        provider.Publish(IdentityKey.Rsa());
        provider.Publish(IdentityKey.EllipticCurve());
        return provider;
    }

    public IdentityKey Current(string algorithm)
    {
        lock (_gate)
        {
            return _published.Last(k => k.Algorithm == algorithm);
        }
    }

    public void Publish(IdentityKey key)
    {
        lock (_gate)
        {
            _published.Add(key);
        }
    }

    public void Retire(IdentityKey key)
    {
        lock (_gate)
        {
            _published.Remove(key);
        }
    }

    /// <summary>A token as the provider issues it (orgs: one org id or an array); every part can be spoiled for the negative tests.</summary>
    public string Token(string[]? roles = null, object? orgs = null, IdentityKey? key = null, string? audience = Audience, string? issuer = null,
        DateTime? expires = null, bool withExpiry = true, IReadOnlyDictionary<string, object>? claims = null)
    {
        var signing = key ?? Current(SecurityAlgorithms.RsaSha256);
        var until = expires ?? DateTime.UtcNow.AddMinutes(5);
        var payload = new Dictionary<string, object> { ["sub"] = "tester", ["roles"] = roles ?? ["API_KEY"] };
        foreach (var (name, value) in claims ?? new Dictionary<string, object>())
        {
            payload[name] = value;
        }

        if (orgs is not null)
        {
            payload["orgs"] = orgs;
        }

        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience,
            IssuedAt = until.AddMinutes(-10),
            NotBefore = until.AddMinutes(-10),
            Expires = withExpiry ? until : null,
            SigningCredentials = signing.Credentials,
            Claims = payload,
        });
    }

    /// <summary>An unsigned token (alg none), which a validator must never accept.</summary>
    public string UnsignedToken()
    {
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        var payload = Base64UrlEncoder.Encode(new JsonObject
        {
            ["iss"] = Issuer, ["aud"] = Audience, ["sub"] = "tester", ["roles"] = new JsonArray("API_KEY"), ["orgs"] = new JsonArray(Api.Org),
            ["exp"] = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds(),
        }.ToJsonString());
        return $"{header}.{payload}.";
    }

    /// <summary>HS256 with the RSA key's public JWK as the "secret": the algorithm-confusion attack.</summary>
    public string TokenSignedWithThePublicKeyAsSecret()
    {
        var rsa = Current(SecurityAlgorithms.RsaSha256);
        var secret = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(rsa.PublicJwk.ToJsonString())) { KeyId = rsa.Id };
        return Token(orgs: new[] { Api.Org }, key: new IdentityKey(rsa.Id, SecurityAlgorithms.HmacSha256, new SigningCredentials(secret, SecurityAlgorithms.HmacSha256), rsa.PublicJwk));
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    private string Jwks()
    {
        lock (_gate)
        {
            JwksRequests++;
            return new JsonObject { ["keys"] = new JsonArray(_published.Select(k => (JsonNode)k.PublicJwk.DeepClone()).ToArray()) }.ToJsonString();
        }
    }
}

/// <summary>A signing key of the provider, with its public JWK.</summary>
public sealed record IdentityKey(string Id, string Algorithm, SigningCredentials Credentials, JsonObject PublicJwk)
{
    public static IdentityKey Rsa()
    {
        var id = "rsa-" + Guid.NewGuid().ToString("N")[..8];
        var rsa = RSA.Create(2048);
        var parameters = rsa.ExportParameters(includePrivateParameters: false);
        var jwk = new JsonObject
        {
            ["kty"] = "RSA", ["use"] = "sig", ["alg"] = "RS256", ["kid"] = id,
            ["n"] = Base64UrlEncoder.Encode(parameters.Modulus), ["e"] = Base64UrlEncoder.Encode(parameters.Exponent),
        };
        return new IdentityKey(id, SecurityAlgorithms.RsaSha256, new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = id }, SecurityAlgorithms.RsaSha256), jwk);
    }

    public static IdentityKey EllipticCurve()
    {
        var id = "ec-" + Guid.NewGuid().ToString("N")[..8];
        var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var parameters = ec.ExportParameters(includePrivateParameters: false);
        var jwk = new JsonObject
        {
            ["kty"] = "EC", ["use"] = "sig", ["alg"] = "ES256", ["kid"] = id, ["crv"] = "P-256",
            ["x"] = Base64UrlEncoder.Encode(parameters.Q.X), ["y"] = Base64UrlEncoder.Encode(parameters.Q.Y),
        };
        return new IdentityKey(id, SecurityAlgorithms.EcdsaSha256, new SigningCredentials(new ECDsaSecurityKey(ec) { KeyId = id }, SecurityAlgorithms.EcdsaSha256), jwk);
    }
}
