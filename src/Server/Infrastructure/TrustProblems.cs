using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Customers.Server.Auth;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Customers.Server.Infrastructure;

/// <summary>
/// The start-up checks of zero trust: outside Development the service grants nothing that its
/// configuration does not name, and the settings that decide who is trusted must be complete and
/// loadable before the first request, not fail on it.
/// </summary>
public static class TrustProblems
{
    public static string? Find(IConfiguration configuration, IHostEnvironment environment, JwtBearerModeOptions jwt, RoleGrantsOptions grants, GatewayOptions gateway) =>
        EndpointProblem(configuration)
        ?? GatewayProblem(configuration, jwt, gateway)
        ?? (environment.IsDevelopment() ? DevelopmentProblem(configuration, jwt, grants) : DeployedProblem(configuration, jwt, grants));

    /// <summary>Whether this instance runs on the open development default: no JWT, no grants, so API_KEY may do everything.</summary>
    public static bool IsOpenDefault(JwtBearerModeOptions jwt, RoleGrantsOptions grants) => !jwt.IsConfigured && grants.Grants.Count == 0;

    // Development keeps the convenient default, but only for this machine.
    private static string? DevelopmentProblem(IConfiguration configuration, JwtBearerModeOptions jwt, RoleGrantsOptions grants)
    {
        if (!IsOpenDefault(jwt, grants))
        {
            return null;
        }

        var exposed = ListenAddresses(configuration).FirstOrDefault(address => !IsLoopbackAddress(address));
        return exposed is null
            ? null
            : $"Development grants API_KEY every operation of every organization, so it listens on loopback only; '{exposed}' is not a loopback address. Configure Authorization:Grants and Authorization:Orgs, or listen on 127.0.0.1.";
    }

    private static string? DeployedProblem(IConfiguration configuration, JwtBearerModeOptions jwt, RoleGrantsOptions grants)
    {
        if (jwt.IsConfigured && !string.IsNullOrWhiteSpace(jwt.SigningKey))
        {
            return "Authentication:Jwt:SigningKey (a shared HS256 secret) is accepted in Development only; configure the identity provider with Authentication:Jwt:Authority.";
        }

        if (!jwt.IsConfigured)
        {
            if (grants.Grants.Count == 0)
            {
                return "Authorization is not configured: outside Development, set Authentication:Jwt:Authority (JWT mode), or Authorization:Grants:<role> and Authorization:Orgs:<role> ('*' for every organization) for each role the gateway sends.";
            }

            var unbound = grants.Grants.Keys.Order(StringComparer.Ordinal).FirstOrDefault(role => !grants.Orgs.TryGetValue(role, out var orgs) || orgs.Length == 0);
            if (unbound is not null)
            {
                return $"Authorization:Orgs:{unbound} is missing: outside Development every granted role names its organizations ('*' for every organization, on purpose).";
            }
        }

        return string.IsNullOrWhiteSpace(configuration["AllowedHosts"])
            ? "AllowedHosts is not set: name the host names this service answers to (separated by ';'), or '*' on purpose behind a gateway that rewrites Host."
            : null;
    }

    private static string? GatewayProblem(IConfiguration configuration, JwtBearerModeOptions jwt, GatewayOptions gateway)
    {
        if (!gateway.RequiresClientCertificate)
        {
            return null;
        }

        if (jwt.IsConfigured)
        {
            return "Authentication:Gateway:ClientCertificateAuthority is for gateway mode; in JWT mode the token proves the caller. Set one of the two.";
        }

        var path = gateway.ClientCertificateAuthority!;
        try
        {
            var authorities = new X509Certificate2Collection();
            authorities.ImportFromPemFile(path);
            if (authorities.Count == 0)
            {
                return $"Authentication:Gateway:ClientCertificateAuthority names {path}, which holds no PEM certificate.";
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or CryptographicException)
        {
            return $"Authentication:Gateway:ClientCertificateAuthority names {path}, which cannot be read as PEM certificates: {exception.Message}";
        }

        var asks = configuration.GetSection("Kestrel:Endpoints").GetChildren().Any(endpoint =>
            endpoint["Url"]?.StartsWith("https:", StringComparison.OrdinalIgnoreCase) == true
            && (endpoint["ClientCertificateMode"] ?? configuration["Kestrel:EndpointDefaults:ClientCertificateMode"]) is { } mode
            && Enum.TryParse<ClientCertificateMode>(mode, ignoreCase: true, out var parsed) && parsed is ClientCertificateMode.AllowCertificate or ClientCertificateMode.RequireCertificate);
        return asks
            ? null
            : "Authentication:Gateway:ClientCertificateAuthority needs an HTTPS endpoint that asks for client certificates (Kestrel:Endpoints:<name>:Url https://… and ClientCertificateMode RequireCertificate); without one every call would answer 401.";
    }

    // Kestrel reads these itself and throws at start with a stack trace; say what is wrong in one line.
    private static string? EndpointProblem(IConfiguration configuration)
    {
        foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
        {
            var name = $"Kestrel:Endpoints:{endpoint.Key}";
            if (!Uri.TryCreate(endpoint["Url"]?.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out _))
            {
                return $"{name}:Url must be an address such as https://0.0.0.0:8443; it is '{endpoint["Url"]}'.";
            }

            if (endpoint["ClientCertificateMode"] is { } mode && !Enum.TryParse<ClientCertificateMode>(mode, ignoreCase: true, out _))
            {
                return $"{name}:ClientCertificateMode must be one of {string.Join(", ", Enum.GetNames<ClientCertificateMode>())}; it is '{mode}'.";
            }

            if (endpoint["Certificate:Path"] is { Length: > 0 } certificate)
            {
                try
                {
                    using var _ = endpoint["Certificate:KeyPath"] is { Length: > 0 } key
                        ? X509Certificate2.CreateFromPemFile(certificate, key)
                        : X509CertificateLoader.LoadCertificateFromFile(certificate);
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
                {
                    return $"{name}:Certificate cannot be loaded from {certificate}: {exception.Message}";
                }
            }
        }

        return null;
    }

    /// <summary>Every address the service will listen on: urls, or the Kestrel endpoints, or the default.</summary>
    private static IEnumerable<string> ListenAddresses(IConfiguration configuration)
    {
        var endpoints = configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(e => e["Url"]).OfType<string>().ToList();
        if (endpoints.Count > 0)
        {
            return endpoints; // Kestrel's endpoints replace urls.
        }

        if (!string.IsNullOrEmpty(configuration["http_ports"]) || !string.IsNullOrEmpty(configuration["https_ports"]))
        {
            return ["http://*:" + (configuration["http_ports"] ?? configuration["https_ports"])];
        }

        return (configuration["urls"] ?? CustomersServiceSetup.DefaultUrl).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    private static bool IsLoopbackAddress(string address)
    {
        var host = address.Split("://", 2) is [_, var rest] ? rest : address;
        host = host.Split('/')[0];
        host = host.StartsWith('[') ? host[1..host.IndexOf(']', StringComparison.Ordinal)] : host.Split(':')[0];
        return host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }
}
