using System.Diagnostics;
using Customers.Server.Tests.Processes;

namespace Customers.Server.Tests;

/// <summary>The built service, started as its own process with a bad setting, stops at once with one line that names it.</summary>
[Trait("Tier", "Slow")]
[Trait("Needs", "Processes")]
public sealed class StartupConfigurationTests
{
    [Theory]
    [InlineData("Storage__Provider", "Oracle", "'Oracle' at 'Storage:Provider'")]
    [InlineData("Storage__Timeout", "soon", "'soon' at 'Storage:Timeout'")]
    [InlineData("ConnectionStrings__Sqlite", "Filename-ish=customers.db", "ConnectionStrings:Sqlite is not a valid connection string")]
    [InlineData("ConnectionStrings__Sqlite", "Data Source=/proc/customers/customers.db", "ConnectionStrings:Sqlite names /proc/customers/customers.db, which cannot be written")]
    [InlineData("ConnectionStrings__Sqlite", "Data Source=:memory:", "ConnectionStrings:Sqlite must name a file")]
    [InlineData("Storage__Provider", "Postgres", "ConnectionStrings:Postgres is empty")]
    [InlineData("Authentication__Jwt__Issuer", "https://login.example.test", "Authentication:Jwt needs an identity provider")]
    [InlineData("Authentication__Jwt__Authority", "https://login.example.test", "Authentication:Jwt:Audience is required")]
    [InlineData("Authentication__Jwt__SigningKey", "a-signing-key-of-at-least-32-bytes!!", "Authentication:Jwt:Audience is required")]
    public async Task Invalid_configuration_stops_the_service_with_a_one_line_reason(string variable, string value, string reason)
    {
        var (exitCode, output) = await RunServiceAsync(new() { [variable] = value });

        Assert.Equal(78, exitCode);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("Customers service cannot start: ", line);
        Assert.Contains(reason, line);
    }

    [Fact]
    public async Task Invariant_globalization_stops_the_service_because_usernames_could_not_be_compared()
    {
        var (exitCode, output) = await RunServiceAsync(new() { ["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1" });

        Assert.Equal(78, exitCode);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("Customers service cannot start: ", line);
        Assert.Contains("usernames cannot be compared", line);
    }

    [Fact]
    public async Task A_jwt_signing_key_shorter_than_32_bytes_is_refused()
    {
        var (exitCode, output) = await RunServiceAsync(new()
        {
            ["Authentication__Jwt__Issuer"] = "https://login.example.test", ["Authentication__Jwt__SigningKey"] = "too-short", ["Authentication__Jwt__Audience"] = "customers-api",
        });

        Assert.Equal(78, exitCode);
        Assert.Contains("Authentication:Jwt:SigningKey must be at least 32 bytes", output);
    }

    [Theory]
    [InlineData("http://login.example.test", "must be an https URL (http only on a loopback address)")]
    [InlineData("not a url", "must be an https URL")]
    public async Task An_identity_provider_is_reached_over_https_except_on_loopback(string authority, string reason)
    {
        var (exitCode, output) = await RunServiceAsync(new() { ["Authentication__Jwt__Authority"] = authority, ["Authentication__Jwt__Audience"] = "customers-api" });

        Assert.Equal(78, exitCode);
        Assert.Contains(reason, output);
    }

    [Fact]
    public async Task A_bad_postgres_connection_string_is_refused_before_any_connection()
    {
        var (exitCode, output) = await RunServiceAsync(new() { ["Storage__Provider"] = "Postgres", ["ConnectionStrings__Postgres"] = "Host=db;Port=not-a-port" });

        Assert.Equal(78, exitCode);
        Assert.Contains("ConnectionStrings:Postgres is not a valid connection string", output);
    }

    /// <summary>Runs the service until it exits (30 s at most); unless told otherwise, with what a deployed service must be told.</summary>
    internal static async Task<(int ExitCode, string Output)> RunServiceAsync(Dictionary<string, string> environment, bool deployed = true)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Directory.CreateTempSubdirectory("customers-config-").FullName,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Customers.Server.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add("http://127.0.0.1:0");
        foreach (var (name, value) in (deployed ? ServiceProcess.DeployedSettings : new Dictionary<string, string>()).Concat(environment))
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("The service kept running with invalid configuration.");
        }

        return (process.ExitCode, await output + await errors);
    }
}
