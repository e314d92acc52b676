using System.Diagnostics;
using Customers.Server.Tests.Processes;

namespace Customers.Server.Tests.Security;

/// <summary>
/// Outside Development the service grants nothing it was not told to: it refuses to start, with one
/// line that says what is missing, rather than serve every organization to whoever reaches its port.
/// Settings that the libraries would refuse on the first request are refused at start.
/// </summary>
[Trait("Tier", "Slow")]
[Trait("Needs", "Processes")]
public sealed class ZeroTrustStartupTests
{
    [Fact]
    public async Task A_deployed_service_with_no_authorization_does_not_start()
    {
        var (exitCode, output) = await StartupConfigurationTests.RunServiceAsync(new() { ["AllowedHosts"] = "127.0.0.1" }, deployed: false);

        AssertRefused(exitCode, output, "Authorization is not configured");
    }

    [Fact]
    public async Task A_granted_role_without_its_organizations_does_not_start()
    {
        var (exitCode, output) = await StartupConfigurationTests.RunServiceAsync(
            new() { ["AllowedHosts"] = "127.0.0.1", ["Authorization__Grants__PARTNER__0"] = "*" }, deployed: false);

        AssertRefused(exitCode, output, "Authorization:Orgs:PARTNER is missing");
    }

    [Fact]
    public async Task A_deployed_service_names_its_hosts()
    {
        var (exitCode, output) = await StartupConfigurationTests.RunServiceAsync(
            new() { ["Authorization__Grants__API_KEY__0"] = "*", ["Authorization__Orgs__API_KEY__0"] = "*" }, deployed: false);

        AssertRefused(exitCode, output, "AllowedHosts is not set");
    }

    [Fact]
    public async Task A_deployed_service_without_a_fingerprint_key_does_not_start()
    {
        var settings = ServiceProcess.DeployedSettings.Where(s => s.Key != "Idempotency__FingerprintKey").ToDictionary();

        var (exitCode, output) = await StartupConfigurationTests.RunServiceAsync(settings, deployed: false);

        AssertRefused(exitCode, output, "Idempotency:FingerprintKey is required outside Development");
    }

    [Theory]
    [InlineData("Idempotency__FingerprintKey", "not base64!")]
    [InlineData("Idempotency__FingerprintKey", "c2hvcnQ=")]
    [InlineData("Idempotency__PreviousFingerprintKey", "c2hvcnQ=")]
    public async Task A_fingerprint_key_that_is_not_32_bytes_of_base64_does_not_start(string variable, string value)
    {
        var (exitCode, output) = await StartupConfigurationTests.RunServiceAsync(new() { [variable] = value });

        AssertRefused(exitCode, output, $"{variable.Replace("__", ":", StringComparison.Ordinal)} must be base64 of at least 32 bytes");
    }

    [Fact]
    public async Task The_development_signing_key_is_refused_in_production()
    {
        var (exitCode, output) = await StartupConfigurationTests.RunServiceAsync(new()
        {
            ["Authentication__Jwt__Issuer"] = "https://login.example.test",
            ["Authentication__Jwt__SigningKey"] = "a-signing-key-of-at-least-32-bytes!!",
            ["Authentication__Jwt__Audience"] = "customers-api",
        });

        AssertRefused(exitCode, output, "SigningKey (a shared HS256 secret) is accepted in Development only");
    }

    [Theory]
    [InlineData("Authentication__Jwt__KeysMaxAge", "00:01:00", "KeysMaxAge at least 00:05:00")]
    [InlineData("Authentication__Jwt__KeyRefreshInterval", "00:00:00.500", "KeyRefreshInterval must be at least 00:00:01")]
    public async Task Refresh_intervals_below_what_IdentityModel_accepts_are_refused_at_start(string variable, string value, string reason)
    {
        var (exitCode, output) = await StartupConfigurationTests.RunServiceAsync(new()
        {
            ["Authentication__Jwt__Authority"] = "http://127.0.0.1:9/realms/test", ["Authentication__Jwt__Audience"] = "customers-api", [variable] = value,
        });

        AssertRefused(exitCode, output, reason);
    }

    [Theory]
    [InlineData("Limits__MaxRequestHeaderCount", "0")]
    [InlineData("Limits__MaxRequestLineBytes", "-1")]
    [InlineData("Limits__MaxRequestBodyBytes", "0")]
    [InlineData("Limits__MaxRequestHeadersTotalBytes", "0")]
    public async Task Kestrel_limits_it_would_refuse_are_refused_at_start(string variable, string value)
    {
        var (exitCode, output) = await StartupConfigurationTests.RunServiceAsync(new() { [variable] = value });

        AssertRefused(exitCode, output, "must be at least 1");
    }

    [Fact]
    public async Task A_missing_server_certificate_is_named_at_start()
    {
        var (exitCode, output) = await StartupConfigurationTests.RunServiceAsync(new()
        {
            ["Kestrel__Endpoints__Gateway__Url"] = "https://127.0.0.1:0",
            ["Kestrel__Endpoints__Gateway__Certificate__Path"] = "/nonexistent/server.pem",
            ["Kestrel__Endpoints__Gateway__Certificate__KeyPath"] = "/nonexistent/server.key",
        });

        AssertRefused(exitCode, output, "Kestrel:Endpoints:Gateway:Certificate cannot be loaded from /nonexistent/server.pem");
    }

    [Fact]
    public async Task A_gateway_CA_without_an_endpoint_that_asks_for_certificates_is_refused()
    {
        using var pki = TestCertificates.NewAuthority("Customers test gateway CA");

        var (exitCode, output) = await StartupConfigurationTests.RunServiceAsync(new()
        {
            ["Authentication__Gateway__ClientCertificateAuthority"] = pki.WriteAuthority(),
        });

        AssertRefused(exitCode, output, "needs an HTTPS endpoint that asks for client certificates");
    }

    [Fact]
    public async Task An_unreadable_gateway_CA_is_refused()
    {
        var (exitCode, output) = await StartupConfigurationTests.RunServiceAsync(new()
        {
            ["Authentication__Gateway__ClientCertificateAuthority"] = "/nonexistent/ca.pem",
        });

        AssertRefused(exitCode, output, "Authentication:Gateway:ClientCertificateAuthority names /nonexistent/ca.pem, which cannot be read");
    }

    [Fact]
    public async Task Development_keeps_its_open_default_on_loopback_only()
    {
        var (exitCode, output) = await StartupConfigurationTests.RunServiceAsync(new()
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development", ["Kestrel__Endpoints__Everyone__Url"] = "http://0.0.0.0:0",
        }, deployed: false);

        AssertRefused(exitCode, output, "so it listens on loopback only; 'http://0.0.0.0:0' is not a loopback address");
    }

    [Fact]
    public async Task Development_on_loopback_starts_and_says_in_one_warning_what_it_grants()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Directory.CreateTempSubdirectory("customers-dev-").FullName };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Customers.Server.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["ConnectionStrings__Sqlite"] = $"Data Source={Path.Combine(start.WorkingDirectory, "customers.db")}";
        using var process = Process.Start(start)!;
        var lines = new List<string>();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line && !line.Contains("Now listening on", StringComparison.Ordinal))
            {
                lines.Add(line);
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
        }

        var warning = Assert.Single(lines, line => line.Contains("API_KEY may call every operation", StringComparison.Ordinal));
        Assert.Contains("listening on loopback only", warning);
    }

    private static void AssertRefused(int exitCode, string output, string reason)
    {
        Assert.True(exitCode == 78, $"exit {exitCode}: {output}");
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("Customers service cannot start: ", line);
        Assert.Contains(reason, line);
    }
}
