using Customers.Server.Auth;
using Customers.Server.Infrastructure;
using Customers.Server.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Customers.Server.Tests;

/// <summary>
/// The options' DataAnnotations, checked by the source-generated validators at start, and the
/// hand-written rules that span settings: each failure names its configuration key, and
/// <see cref="StartupValidation.Reason"/> makes one line of all of them. In process, so the
/// fast tier covers each rule; StartupConfigurationTests covers the process's exit.
/// </summary>
public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("Storage:Backup:Keep", "0", "Storage:Backup:Keep must be at least 1.")]
    [InlineData("Storage:Backup:Interval", "00:00:00", "Storage:Backup:Interval must be a positive time span")]
    [InlineData("Storage:Timeout", "00:00:00", "Storage:Timeout must be a positive time span such as 00:00:05.")]
    [InlineData("Storage:KeyPurgeFirstDelay", "-00:00:01", "Storage:KeyPurgeFirstDelay must be 00:00:00 or more.")]
    [InlineData("Storage:MaxCredentialsPerCustomer", "0", "Storage:MaxCredentialsPerCustomer must be at least 1.")]
    [InlineData("Storage:MaxPendingCallsPerOrganization", "300", "Storage:MaxPendingCallsPerOrganization must be from 1 to Storage:MaxPendingCalls (256); it is 300.")]
    [InlineData("Limits:Organization:ReadsPerSecond", "-1", "Limits:Organization:ReadsPerSecond must be 0 (no limit) or more.")]
    [InlineData("Limits:Organization:WritesBurst", "0", "Limits:Organization:WritesBurst must be at least 1.")]
    [InlineData("Limits:Organization:MaxCustomers", "-1", "Limits:Organization:MaxCustomers must be 0 (no limit) or more.")]
    [InlineData("Limits:MaxRequestBodyBytes", "0", "Limits:MaxRequestBodyBytes must be at least 1 (Kestrel refuses 0 or less).")]
    [InlineData("Audit:Retention", "-1.00:00:00", "Audit:Retention must be a positive time span")]
    [InlineData("Audit:RefusalLogLinesPerSecond", "0", "Audit:RefusalLogLinesPerSecond must be at least 1.")]
    [InlineData("Idempotency:PreviousFingerprintKey", "c2hvcnQ=", "Idempotency:PreviousFingerprintKey must be base64 of at least 32 bytes.")]
    [InlineData("Authentication:Jwt:ClockSkew", "00:06:00", "Authentication:Jwt:ClockSkew must be from 0 to 00:05:00.")]
    [InlineData("Authentication:Jwt:Issuer", "https://login.example.test", "Authentication:Jwt needs an identity provider")]
    public void A_setting_that_breaks_its_rule_is_named_in_one_line(string key, string value, string reason)
    {
        var line = Refusal(new() { [key] = value });

        Assert.NotNull(line);
        Assert.DoesNotContain('\n', line);
        Assert.Contains(reason, line);
    }

    [Fact]
    public void The_defaults_are_valid() => Assert.Null(Refusal([]));

    [Fact]
    public void Failures_in_several_sections_are_all_named_on_the_one_line()
    {
        var line = Refusal(new() { ["Storage:Backup:Keep"] = "0", ["Audit:PurgeBatchSize"] = "0", ["Storage:KeyPurgeBatchSize"] = "0" });

        Assert.NotNull(line);
        Assert.Contains("Storage:Backup:Keep must be at least 1.", line);
        Assert.Contains("Audit:PurgeBatchSize must be at least 1.", line);
        Assert.Contains("Storage:KeyPurgeBatchSize must be at least 1.", line);
    }

    [Fact]
    public void A_value_that_cannot_be_read_names_the_key_and_the_value()
    {
        var line = Refusal(new() { ["Storage:Backup:Keep"] = "many" });

        Assert.NotNull(line);
        Assert.Contains("Cannot read configuration value 'many' at 'Storage:Backup:Keep'", line);
    }

    [Fact]
    public void Any_other_exception_is_not_a_configuration_failure() =>
        Assert.Null(StartupValidation.Reason(new InvalidOperationException("Something else broke.")));

    /// <summary>What the start-up validator finds in the service's options registrations, as the one line Program.cs would print; null when valid.</summary>
    private static string? Refusal(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddCustomerStorage(configuration);
        services.AddCustomersAuthentication(configuration);
        services.AddValidatedOptions<LimitsOptions, LimitsOptionsValidator>(LimitsOptions.Section).Bind(configuration.GetSection(LimitsOptions.Section));
        using var provider = services.BuildServiceProvider();
        try
        {
            provider.GetRequiredService<IStartupValidator>().Validate();
            return null;
        }
        catch (Exception exception) when (StartupValidation.Reason(exception) is { } reason)
        {
            return reason;
        }
    }
}
