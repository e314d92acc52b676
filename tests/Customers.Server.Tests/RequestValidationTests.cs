using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Customers.Server.Tests;

/// <summary>Bad input answers its documented 4xx with an ErrorResponse that says what and where, and stores nothing.</summary>
public sealed class RequestValidationTests(SharedService service) : IClassFixture<SharedService>
{
    private readonly HttpClient _client = service.CreateClient("API_KEY");

    [Fact]
    public async Task The_seed_body_with_single_quotes_is_not_json_and_the_error_says_where()
    {
        var customerId = await Api.CreateCustomerAsync(_client);
        const string seedBody = "{\n  'username': 'username@masmovil.com'\n}";

        using var response = await _client.PostAsync(Api.Credentials(customerId), Api.Json(seedBody));

        var error = await Api.AssertErrorAsync(response, HttpStatusCode.BadRequest, "INVALID_JSON", "body");
        Assert.Contains("line 2, byte 3", error.GetProperty("message").GetString());
        Assert.Empty(await Api.UsernamesAsync(_client, customerId));
    }

    [Theory]
    [InlineData("{}", "MISSING_FIELD", "body.username")]
    [InlineData("""{"username":null}""", "MISSING_FIELD", "body.username")]
    [InlineData("""{"username":""}""", "FIELD_TOO_SHORT", "body.username")]
    [InlineData("""{"username":" padded"}""", "INVALID_FIELD_FORMAT", "body.username")]
    [InlineData("""{"username":"padded "}""", "INVALID_FIELD_FORMAT", "body.username")]
    [InlineData("""{"username":"tab\tinside"}""", "INVALID_FIELD_FORMAT", "body.username")]
    [InlineData("""{"username":"nul\u0000inside"}""", "INVALID_FIELD_FORMAT", "body.username")]
    [InlineData("""{"username":42}""", "INVALID_FIELD_TYPE", "body.username")]
    [InlineData("""{"username":["a"]}""", "INVALID_FIELD_TYPE", "body.username")]
    [InlineData("""["username"]""", "INVALID_FIELD_TYPE", "body")]
    [InlineData("\"username\"", "INVALID_FIELD_TYPE", "body")]
    [InlineData("""{"username":"a","password":"b"}""", "UNKNOWN_FIELD", "body.password")]
    [InlineData("""{"username":"a",}""", "INVALID_JSON", "body")]
    [InlineData("""{"username":"a""", "INVALID_JSON", "body")]
    [InlineData("null", "INVALID_FIELD_TYPE", "body")]
    public async Task A_broken_credential_body_answers_400_with_the_rule_and_the_field(string body, string code, string reference)
    {
        var customerId = await Api.CreateCustomerAsync(_client);

        using var response = await _client.PostAsync(Api.Credentials(customerId), Api.Json(body));

        await Api.AssertErrorAsync(response, HttpStatusCode.BadRequest, code, reference);
        Assert.Empty(await Api.UsernamesAsync(_client, customerId));
    }

    [Fact]
    public async Task A_username_of_82_characters_is_accepted_and_83_is_too_long()
    {
        var customerId = await Api.CreateCustomerAsync(_client);
        var prefix = Guid.NewGuid().ToString("N");
        var longest = prefix + new string('x', 82 - prefix.Length);

        await Api.CreateCredentialAsync(_client, customerId, longest);
        using var response = await _client.PostAsync(Api.Credentials(customerId), Api.Json($$"""{"username":"{{longest}}y"}"""));

        var error = await Api.AssertErrorAsync(response, HttpStatusCode.BadRequest, "FIELD_TOO_LONG", "body.username");
        Assert.Contains("82", error.GetProperty("message").GetString());
        Assert.Equal([longest], await Api.UsernamesAsync(_client, customerId));
    }

    [Fact]
    public async Task Length_counts_characters_not_utf16_units()
    {
        var customerId = await Api.CreateCustomerAsync(_client);
        // U+20000, a CJK ideograph outside the BMP: two UTF-16 units, one character (an emoji would be refused as a symbol).
        var ideographs = string.Concat(Enumerable.Repeat("\U00020000", 81)) + Guid.NewGuid().ToString("N")[..1];

        await Api.CreateCredentialAsync(_client, customerId, ideographs);
    }

    [Fact]
    public async Task An_empty_body_answers_400_invalid_json()
    {
        var customerId = await Api.CreateCustomerAsync(_client);

        using var response = await _client.PostAsync(Api.Credentials(customerId), Api.Json(string.Empty));

        await Api.AssertErrorAsync(response, HttpStatusCode.BadRequest, "INVALID_JSON", "body");
    }

    [Fact]
    public async Task Every_broken_field_rule_of_a_customer_body_is_reported()
    {
        using var response = await _client.PostAsync(Api.Customers(), Api.Json("""{"external_id":" x"}"""));

        await Api.AssertErrorAsync(response, HttpStatusCode.BadRequest, "INVALID_FIELD_FORMAT", "body.external_id");
    }

    [Theory]
    [InlineData("/v4/orgs/telco/customers/not-a-uuid/credentials", "path.customer_id")]
    [InlineData("/v4/orgs/telco/customers/123/credentials", "path.customer_id")]
    [InlineData("/v4/orgs/telco/customers/not-a-uuid", "path.customer_id")]
    public async Task A_path_id_that_is_not_a_uuid_answers_400_invalid_uuid(string path, string reference)
    {
        using var response = await _client.GetAsync(path);

        var error = await Api.AssertErrorAsync(response, HttpStatusCode.BadRequest, "INVALID_UUID", reference);
        Assert.Contains("uuid", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_credential_id_that_is_not_a_uuid_answers_400_invalid_uuid()
    {
        using var response = await _client.DeleteAsync($"{Api.Credentials(Guid.NewGuid())}/nope");

        await Api.AssertErrorAsync(response, HttpStatusCode.BadRequest, "INVALID_UUID", "path.credential_id");
    }

    [Theory]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [InlineData("a%2Fb")]
    [InlineData("-leading-dash")]
    public async Task An_org_that_breaks_its_schema_answers_400_invalid_parameter(string org)
    {
        using var response = await _client.GetAsync($"/v4/orgs/{org}/customers/{Guid.NewGuid()}/credentials");

        await Api.AssertErrorAsync(response, HttpStatusCode.BadRequest, "INVALID_PARAMETER", "path.org_id");
    }

    [Fact]
    public async Task A_body_over_the_limit_answers_413()
    {
        var customerId = await Api.CreateCustomerAsync(_client);
        var huge = $$"""{"username":"{{new string('a', 70_000)}}"}""";

        using var response = await _client.PostAsync(Api.Credentials(customerId), Api.Json(huge));

        await Api.AssertErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE", "body");
    }

    [Fact]
    public async Task A_body_over_the_limit_on_a_bad_path_answers_413_with_only_errors_of_that_status()
    {
        var huge = $$"""{"username":"{{new string('a', 70_000)}}"}""";

        using var response = await _client.PostAsync("/v4/orgs/telco/customers/not-a-uuid/credentials", Api.Json(huge));

        await Api.AssertErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE", "body");
        var errors = (await Api.ReadAsync(response)).GetProperty("errors");
        Assert.Equal(1, errors.GetArrayLength()); // not INVALID_UUID too: the contract gives that code to 400
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData(null)]
    public async Task A_body_that_is_not_json_answers_415(string? mediaType)
    {
        var customerId = await Api.CreateCustomerAsync(_client);
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"username":"media@example.com"}"""));
        content.Headers.ContentType = mediaType is null ? null : new MediaTypeHeaderValue(mediaType);

        using var response = await _client.PostAsync(Api.Credentials(customerId), content);

        await Api.AssertErrorAsync(response, HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE");
        Assert.Empty(await Api.UsernamesAsync(_client, customerId));
    }
}
