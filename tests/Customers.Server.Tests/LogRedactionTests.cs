using System.Diagnostics;
using System.Net;
using Customers.Server.Tests.Processes;

namespace Customers.Server.Tests;

/// <summary>Usernames are personal data: the service logs what happened to a credential, never the username.</summary>
[Trait("Tier", "Slow")]
[Trait("Needs", "Processes")]
public sealed class LogRedactionTests
{
    [Fact]
    public async Task Credential_logs_name_the_ids_and_never_the_username()
    {
        await using var service = await ServiceProcess.StartAsync(Directory.CreateTempSubdirectory("customers-redaction-").FullName,
            new Dictionary<string, string> { ["Logging__Console__FormatterName"] = "json" });
        using var client = service.CreateClient();
        const string username = "jane.private@example.com";
        var customerId = await Api.CreateCustomerAsync(client);

        var created = await Api.CreateCredentialAsync(client, customerId, username);
        using var taken = await client.PostAsync(Api.Credentials(customerId), Api.Json("""{"username":"JANE.PRIVATE@example.com"}"""));

        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
        var credentialId = created.GetProperty("id").GetString()!;
        var found = false;
        for (var waited = Stopwatch.StartNew(); !found && waited.Elapsed < TimeSpan.FromSeconds(10); await Task.Delay(100))
        {
            found = service.Output.Any(line => line.Contains(credentialId, StringComparison.Ordinal))
                && service.Output.Any(line => line.Contains("already taken", StringComparison.Ordinal));
        }

        Assert.True(found, $"No log line for credential {credentialId} and the refused username:\n{string.Join('\n', service.Output)}");
        Assert.DoesNotContain(service.Output, line => line.Contains("jane.private", StringComparison.OrdinalIgnoreCase));
    }
}
