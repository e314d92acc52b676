using System.Net;
using System.Text.Json;
using Customers.Server.Tests.Postgres;

namespace Customers.Server.Tests.Usernames;

/// <summary>
/// One login, one username: look-alikes are refused or found taken, input the contract accepts never
/// answers 500, and an ambiguous body is refused. Through the contract-validating handler, on each
/// storage provider.
/// </summary>
public abstract class UsernameIdentityTests
{
    protected abstract Task<ServiceFactory> StartAsync();

    public static TheoryData<string, string> Invisible => new()
    {
        { "\u200B", "U+200B" }, // zero-width space
        { "\u2060", "U+2060" }, // word joiner
        { "\u00AD", "U+00AD" }, // soft hyphen
        { "\uFEFF", "U+FEFF" }, // byte-order mark
        { "\u202E", "U+202E" }, // right-to-left override
        { "\u200F", "U+200F" }, // right-to-left mark
        { "\u2067", "U+2067" }, // right-to-left isolate
    };

    [SkippableTheory]
    [MemberData(nameof(Invisible))]
    public async Task A_look_alike_with_an_invisible_code_point_is_refused_naming_it(string invisible, string codePoint)
    {
        await using var service = await StartAsync();
        using var client = service.CreateClient("API_KEY");
        var first = await Api.CreateCustomerAsync(client);
        var second = await Api.CreateCustomerAsync(client);
        await Api.CreateCredentialAsync(client, first, "alice@example.com");

        using var response = await client.PostAsync(Api.Credentials(second), Body($"alice{invisible}@example.com"));

        var error = await Api.AssertErrorAsync(response, HttpStatusCode.BadRequest, "INVALID_USERNAME", "body.username");
        Assert.Contains(codePoint, error.GetProperty("message").GetString());
        Assert.Empty(await Api.UsernamesAsync(client, second));
    }

    [SkippableTheory]
    [InlineData("ΟΔΟΣ@x.gr", "οδος@x.gr")] // final sigma: case folding, not lower-casing
    [InlineData("οδοσ@x.gr", "ΟΔΟΣ@x.gr")]
    [InlineData("alice@example.com", "ａｌｉｃｅ@example.com")] // full width
    [InlineData("Straße@x.de", "STRAẞE@x.de")] // capital sharp s
    [InlineData("école@x.fr", "E\u0301COLE@x.fr")] // composed and decomposed
    public async Task Usernames_that_are_one_under_RFC_8265_are_one_username(string taken, string attempt)
    {
        await using var service = await StartAsync();
        using var client = service.CreateClient("API_KEY");
        var first = await Api.CreateCustomerAsync(client);
        var second = await Api.CreateCustomerAsync(client);
        await Api.CreateCredentialAsync(client, first, taken);

        using var response = await client.PostAsync(Api.Credentials(second), Body(attempt));

        await Api.AssertErrorAsync(response, HttpStatusCode.Conflict, "USERNAME_TAKEN", "body.username");
        Assert.Equal([taken], await Api.UsernamesAsync(client, first));
    }

    [SkippableTheory]
    [InlineData("\uFFFE", "U+FFFE")]
    [InlineData("\uFFFF", "U+FFFF")]
    [InlineData("\uFDD0", "U+FDD0")]
    [InlineData("\U0010FFFF", "U+10FFFF")]
    [InlineData("\u0378", "U+0378")]
    [InlineData("\U000E0041", "U+E0041")]
    public async Task A_noncharacter_or_unassigned_code_point_answers_400_not_500(string codePoint, string name)
    {
        await using var service = await StartAsync();
        using var client = service.CreateClient("API_KEY");
        var customer = await Api.CreateCustomerAsync(client);

        // JSON escapes, as a client that sends them would: the text reaches the service intact.
        var escaped = string.Concat(codePoint.Select(c => $"\\u{(int)c:X4}"));
        using var response = await client.PostAsync(Api.Credentials(customer), Api.Json($$"""{"username":"a{{escaped}}b@x.y"}"""));

        var error = await Api.AssertErrorAsync(response, HttpStatusCode.BadRequest, "INVALID_USERNAME", "body.username");
        Assert.Contains(name, error.GetProperty("message").GetString());
        Assert.Empty(await Api.UsernamesAsync(client, customer));
    }

    [SkippableFact]
    public async Task A_body_with_a_field_twice_is_refused_and_stores_nothing()
    {
        await using var service = await StartAsync();
        using var client = service.CreateClient("API_KEY");
        var customer = await Api.CreateCustomerAsync(client);

        using var response = await client.PostAsync(Api.Credentials(customer), Api.Json("""{"username":"a@x.y","username":"b@x.y"}"""));
        using var escaped = await client.PostAsync(Api.Credentials(customer), Api.Json("""{"username":"a@x.y","user\u006eame":"b@x.y"}"""));
        using var customerBody = await client.PostAsync(Api.Customers(), Api.Json("""{"external_id":"A","external_id":"B"}"""));

        await Api.AssertErrorAsync(response, HttpStatusCode.BadRequest, "DUPLICATE_FIELD", "body.username");
        await Api.AssertErrorAsync(escaped, HttpStatusCode.BadRequest, "DUPLICATE_FIELD", "body.username");
        await Api.AssertErrorAsync(customerBody, HttpStatusCode.BadRequest, "DUPLICATE_FIELD", "body.external_id");
        Assert.Empty(await Api.UsernamesAsync(client, customer));
    }

    private static StringContent Body(string username) => Api.Json(JsonSerializer.Serialize(new { username }));
}

public sealed class SqliteUsernameIdentityTests : UsernameIdentityTests
{
    protected override Task<ServiceFactory> StartAsync() => Task.FromResult(new ServiceFactory());
}

[Collection(PostgresCollection.Name)]
[Trait("Tier", "Slow")]
[Trait("Needs", "PostgreSQL")]
public sealed class PostgresUsernameIdentityTests(SharedPostgres postgres) : UsernameIdentityTests
{
    protected override async Task<ServiceFactory> StartAsync()
    {
        PostgresRequirement.SkipIfUnavailable();
        return PostgresServiceTests.Instance(await postgres.CreateDatabaseAsync());
    }
}
