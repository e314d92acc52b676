using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Customers.Server.Infrastructure;

namespace Customers.Server.Tests.Usernames;

/// <summary>
/// What a caller reads in a 4xx from the request rules (src/Shared/ContractRules, the endpoint steps
/// in src/Server/Endpoints, the error writer): the message of each rule, where it points, and which
/// error wins when several apply. The companion of RequestValidationTests, which checks codes and
/// refs; the requests target of build/mutation/run.sh is judged by both.
/// </summary>
public sealed class RequestRuleTests(SharedService service) : IClassFixture<SharedService>
{
    private const string Uuid = "123e4567-e89b-12d3-a456-556642440000";
    private readonly HttpClient _client = service.CreateClient("API_KEY");

    [Theory]
    [InlineData("{}", "MISSING_FIELD", "body.username", "username is required.")]
    [InlineData("""{"username":null}""", "MISSING_FIELD", "body.username", "username is required.")]
    [InlineData("""{"username":""}""", "FIELD_TOO_SHORT", "body.username", "username must be at least 1 character; it has 0.")]
    [InlineData("""{"username":"a\u200Bb"}""", "INVALID_USERNAME", "body.username", "U+200B is invisible (a default-ignorable code point); a username follows the PRECIS UsernameCaseMapped profile (RFC 8265).")]
    [InlineData("""{"username":42}""", "INVALID_FIELD_TYPE", "body.username", "username must be a string.")]
    [InlineData("""{"username":true}""", "INVALID_FIELD_TYPE", "body.username", "username must be a string.")]
    [InlineData("""{"username":{}}""", "INVALID_FIELD_TYPE", "body.username", "username must be a string.")]
    [InlineData("""["username"]""", "INVALID_FIELD_TYPE", "body", "The request body must be a JSON object, not an array.")]
    [InlineData("\"username\"", "INVALID_FIELD_TYPE", "body", "The request body must be a JSON object, not a string.")]
    [InlineData("42", "INVALID_FIELD_TYPE", "body", "The request body must be a JSON object, not a number.")]
    [InlineData("true", "INVALID_FIELD_TYPE", "body", "The request body must be a JSON object, not a boolean.")]
    [InlineData("false", "INVALID_FIELD_TYPE", "body", "The request body must be a JSON object, not a boolean.")]
    [InlineData("null", "INVALID_FIELD_TYPE", "body", "The request body must be a JSON object, not null.")]
    [InlineData("""{"username":"a","password":"b"}""", "UNKNOWN_FIELD", "body.password", "password is not a field of this request; expected only: username.")]
    [InlineData("""{"username":"a","x":{"k":1,"k":2}}""", "DUPLICATE_FIELD", "body.x.k", "x.k appears more than once in the body; each field may be given once.")]
    [InlineData("""{"username":"a","x":[1,{"k":1,"k":2}]}""", "DUPLICATE_FIELD", "body.x[1].k", "x[1].k appears more than once in the body; each field may be given once.")]
    [InlineData("""{"\ud800":"a"}""", "INVALID_JSON", "body", "The request body has a field name that is not valid Unicode text (an unpaired surrogate).")]
    [InlineData("{\n  'username': 'username@masmovil.com'\n}", "INVALID_JSON", "body", "The request body is not valid JSON: line 2, byte 3: ''' is an invalid start of a property name. Expected a '\"'.")] // the README's example
    public async Task A_broken_credential_body_says_what_is_wrong(string body, string code, string reference, string message)
    {
        var customerId = await Api.CreateCustomerAsync(_client);

        using var response = await _client.PostAsync(Api.Credentials(customerId), Api.Json(body));

        var error = await Api.AssertErrorAsync(response, HttpStatusCode.BadRequest, code, reference);
        Assert.Equal(message, error.GetProperty("message").GetString());
        Assert.Empty(await Api.UsernamesAsync(_client, customerId));
    }

    [Fact]
    public async Task Every_unknown_field_is_reported_and_a_long_name_is_shortened()
    {
        var customerId = await Api.CreateCustomerAsync(_client);
        var longName = new string('n', 70);

        using var response = await _client.PostAsync(Api.Credentials(customerId), Api.Json($$"""{"a":1,"username":"x","{{longName}}":2}"""));

        await Api.AssertErrorAsync(response, HttpStatusCode.BadRequest, "UNKNOWN_FIELD", "body.a");
        var errors = await ErrorsAsync(response);
        var shortened = new string('n', 64) + "…";
        Assert.Equal(["body.a", $"body.{shortened}"], errors.Select(e => e.Ref));
        Assert.Equal($"{shortened} is not a field of this request; expected only: username.", errors[1].Message);
    }

    [Fact]
    public async Task A_json_body_nested_deeper_than_32_is_refused_as_invalid_json()
    {
        var customerId = await Api.CreateCustomerAsync(_client);
        var deep = new string('[', 33) + new string(']', 33);

        using var response = await _client.PostAsync(Api.Credentials(customerId), Api.Json($$"""{"username":"a","x":{{deep}}}"""));

        var error = await Api.AssertErrorAsync(response, HttpStatusCode.BadRequest, "INVALID_JSON", "body");
        var message = error.GetProperty("message").GetString()!;
        Assert.StartsWith("The request body is not valid JSON: line 1, byte ", message);
        Assert.Contains("32", message);
        Assert.DoesNotContain("LineNumber", message);
        Assert.DoesNotContain("Path: $", message);
        Assert.False(message.EndsWith(' ') || message.EndsWith('|'), message);
    }

    [Fact]
    public async Task A_truncated_body_names_where_it_ends()
    {
        var customerId = await Api.CreateCustomerAsync(_client);

        using var response = await _client.PostAsync(Api.Credentials(customerId), Api.Json("""{"username":"a"""));

        var error = await Api.AssertErrorAsync(response, HttpStatusCode.BadRequest, "INVALID_JSON", "body");
        var message = error.GetProperty("message").GetString()!;
        Assert.StartsWith("The request body is not valid JSON: line 1, byte ", message);
        Assert.DoesNotContain("LineNumber", message);
        Assert.DoesNotContain("Path: $", message);
        Assert.False(message.EndsWith(' ') || message.EndsWith('|'), message);
    }

    [Fact]
    public async Task Length_limits_count_characters_and_say_the_limit()
    {
        var customerId = await Api.CreateCustomerAsync(_client);
        var ideographs = string.Concat(Enumerable.Repeat("\U00020000", 83)); // two UTF-16 units each

        using var tooLong = await _client.PostAsync(Api.Credentials(customerId), Api.Json(JsonSerializer.Serialize(new { username = ideographs })));
        using var customer = await _client.PostAsync(Api.Customers(), Api.Json(JsonSerializer.Serialize(new { external_id = new string('e', 65) })));

        var error = await Api.AssertErrorAsync(tooLong, HttpStatusCode.BadRequest, "FIELD_TOO_LONG", "body.username");
        Assert.Equal("username must be at most 82 characters; it has 83.", error.GetProperty("message").GetString());
        var external = await Api.AssertErrorAsync(customer, HttpStatusCode.BadRequest, "FIELD_TOO_LONG", "body.external_id");
        Assert.Equal("external_id must be at most 64 characters; it has 65.", external.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_pattern_failure_quotes_the_pattern()
    {
        using var response = await _client.PostAsync(Api.Customers(), Api.Json("""{"external_id":" x"}"""));

        var error = await Api.AssertErrorAsync(response, HttpStatusCode.BadRequest, "INVALID_FIELD_FORMAT", "body.external_id");
        Assert.StartsWith("external_id does not match the pattern ^", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task An_empty_body_says_a_json_object_is_expected()
    {
        var customerId = await Api.CreateCustomerAsync(_client);

        using var response = await _client.PostAsync(Api.Credentials(customerId), Api.Json(string.Empty));

        var error = await Api.AssertErrorAsync(response, HttpStatusCode.BadRequest, "INVALID_JSON", "body");
        Assert.Equal("The request body is empty; a JSON object is expected.", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task An_over_limit_body_says_the_limit_and_closes_the_connection()
    {
        var customerId = await Api.CreateCustomerAsync(_client);
        var limit = new LimitsOptions().MaxRequestBodyBytes;

        using var response = await _client.PostAsync(Api.Credentials(customerId), Api.Json($$"""{"username":"{{new string('a', (int)limit)}}"}"""));

        var error = await Api.AssertErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE", "body");
        Assert.Equal($"The request body is larger than {limit} bytes.", error.GetProperty("message").GetString());
        Assert.True(response.Headers.ConnectionClose, "413 without Connection: close");
    }

    [Fact]
    public async Task A_body_at_the_limit_is_read()
    {
        var customerId = await Api.CreateCustomerAsync(_client);
        var limit = (int)new LimitsOptions().MaxRequestBodyBytes;
        var body = $$"""{"username":"{{Guid.NewGuid():N}}@example.com"}""";
        var padded = body[..^1] + new string(' ', limit - Encoding.UTF8.GetByteCount(body)) + "}";

        using var response = await _client.PostAsync(Api.Credentials(customerId), Api.Json(padded));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.False(response.Headers.ConnectionClose ?? false);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/json-patch+json")] // a "+json" type is another format
    [InlineData("application/problem+json")]
    public async Task A_body_in_another_media_type_says_which_one_is_read(string mediaType)
    {
        var customerId = await Api.CreateCustomerAsync(_client);
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"username":"media@example.com"}"""));
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);

        using var response = await _client.PostAsync(Api.Credentials(customerId), content);

        var error = await Api.AssertErrorAsync(response, HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE", "header.content-type");
        Assert.Equal("The request body must be sent with Content-Type application/json.", error.GetProperty("message").GetString());
        Assert.Empty(await Api.UsernamesAsync(_client, customerId));
    }

    [Theory]
    [InlineData("APPLICATION/JSON")]
    [InlineData("application/json")]
    public async Task Json_is_read_whatever_the_case_of_its_media_type(string mediaType)
    {
        var customerId = await Api.CreateCustomerAsync(_client);
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes($$"""{"username":"{{Guid.NewGuid():N}}@example.com"}"""));
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType) { CharSet = "utf-8" };

        using var response = await _client.PostAsync(Api.Credentials(customerId), content);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [InlineData("not-a-uuid", "not-a-uuid")]
    [InlineData("{" + Uuid + "}", "{" + Uuid + "}")] // Guid.Parse takes braces; the contract does not
    [InlineData("123e4567e89b12d3a456556642440000", "123e4567e89b12d3a456556642440000")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…")]
    [InlineData("bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb")] // 64: shown whole
    public async Task A_path_id_that_is_not_a_uuid_quotes_what_was_sent(string id, string shown)
    {
        using var response = await _client.GetAsync($"{Api.Customers()}/{Uri.EscapeDataString(id)}/credentials");

        var error = await Api.AssertErrorAsync(response, HttpStatusCode.BadRequest, "INVALID_UUID", "path.customer_id");
        Assert.Equal($"customer_id must be a uuid such as {Uuid}; got '{shown}'.", error.GetProperty("message").GetString());
        Assert.Single(await ErrorsAsync(response)); // one problem, one error
    }

    [Theory]
    [InlineData("-leading-dash", "org_id does not match the pattern ^[A-Za-z0-9][A-Za-z0-9._-]*$.")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "org_id must be at most 64 characters; it has 65.")]
    [InlineData("-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "org_id must be at most 64 characters; it has 65.")] // both broken: length first
    public async Task A_path_parameter_that_breaks_its_schema_says_which_rule(string org, string message)
    {
        using var response = await _client.GetAsync($"/v4/orgs/{org}/customers/{Guid.NewGuid()}/credentials");

        var error = await Api.AssertErrorAsync(response, HttpStatusCode.BadRequest, "INVALID_PARAMETER", "path.org_id");
        Assert.Equal(message, error.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData("a b", "idempotency-key does not match the pattern ^[\\x21-\\x7E]+$.")]
    public async Task A_header_that_breaks_its_schema_says_which_rule(string key, string message)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Api.Customers()) { Content = Api.Json("{}") };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);

        using var response = await _client.SendAsync(request);

        var error = await Api.AssertErrorAsync(response, HttpStatusCode.BadRequest, "INVALID_PARAMETER", "header.idempotency-key");
        Assert.Equal(message, error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_header_of_129_characters_is_too_long()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Api.Customers()) { Content = Api.Json("{}") };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", new string('k', 129));

        using var response = await _client.SendAsync(request);

        var error = await Api.AssertErrorAsync(response, HttpStatusCode.BadRequest, "INVALID_PARAMETER", "header.idempotency-key");
        Assert.Equal("idempotency-key must be at most 128 characters; it has 129.", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_bad_path_id_and_a_broken_body_are_both_reported()
    {
        using var response = await _client.PostAsync($"{Api.Customers()}/not-a-uuid/credentials", Api.Json("{}"));

        await Api.AssertErrorAsync(response, HttpStatusCode.BadRequest, "INVALID_UUID", "path.customer_id");
        Assert.Equal([("INVALID_UUID", "path.customer_id"), ("MISSING_FIELD", "body.username")], (await ErrorsAsync(response)).Select(e => (e.Code, e.Ref)));
    }

    [Theory]
    [InlineData(new byte[] { 0xC0, 0xAF })] // an overlong "/"
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })] // an encoded surrogate (U+D800)
    public async Task A_username_that_is_not_valid_utf8_is_not_a_string(byte[] inside)
    {
        var customerId = await Api.CreateCustomerAsync(_client);
        var body = Encoding.UTF8.GetBytes("""{"username":"a""").Concat(inside).Concat(Encoding.UTF8.GetBytes("\"}")).ToArray();
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };

        using var response = await _client.PostAsync(Api.Credentials(customerId), content);

        var error = await Api.AssertErrorAsync(response, HttpStatusCode.BadRequest, "INVALID_FIELD_TYPE", "body.username");
        Assert.Equal("username must be a string.", error.GetProperty("message").GetString());
        Assert.Empty(await Api.UsernamesAsync(_client, customerId));
    }

    [Fact]
    public async Task An_operation_with_the_organization_as_its_only_parameter_is_bound()
    {
        using var response = await _client.GetAsync($"/v4/orgs/{Api.Org}/audit-events/verification");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await Api.ReadAsync(response)).GetProperty("verified").GetBoolean());
    }

    [Theory]
    [InlineData("?limit=0", "query.limit", "limit does not match the pattern ^(100|[1-9][0-9]?)$.")]
    [InlineData("?limit=1000", "query.limit", "limit must be at most 3 characters; it has 4.")] // both broken: length first
    [InlineData("?after=x&limit=5", "query.after", "after does not match the pattern ^[0-9]+$.")]
    public async Task A_query_parameter_that_breaks_its_schema_says_which_rule(string query, string reference, string message)
    {
        using var response = await _client.GetAsync($"/v4/orgs/{Api.Org}/audit-events{query}");

        var error = await Api.AssertErrorAsync(response, HttpStatusCode.BadRequest, "INVALID_PARAMETER", reference);
        Assert.Equal(message, error.GetProperty("message").GetString());
        Assert.Single(await ErrorsAsync(response));
    }

    [Theory]
    [InlineData("")]
    [InlineData("?limit=")] // an empty value counts as absent
    [InlineData("?limit=&after=")]
    [InlineData("?limit=5&limit=x")] // the first value counts
    public async Task An_absent_or_empty_query_parameter_is_not_an_error(string query)
    {
        using var response = await _client.GetAsync($"/v4/orgs/{Api.Org}/audit-events{query}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("application/json", null)]
    [InlineData("application/json", "UTF-8")]
    public async Task Json_without_a_charset_or_with_utf8_in_any_case_is_read(string mediaType, string? charset)
    {
        var customerId = await Api.CreateCustomerAsync(_client);
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes($$"""{"username":"{{Guid.NewGuid():N}}@example.com"}"""));
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType) { CharSet = charset };

        using var response = await _client.PostAsync(Api.Credentials(customerId), content);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [InlineData("iso-8859-1")]
    [InlineData("utf-16")]
    public async Task Json_in_another_charset_answers_415(string charset)
    {
        var customerId = await Api.CreateCustomerAsync(_client);
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("""{"username":"charset@example.com"}"""));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = charset };

        using var response = await _client.PostAsync(Api.Credentials(customerId), content);

        var error = await Api.AssertErrorAsync(response, HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE", "header.content-type");
        Assert.Equal("The request body must be sent with Content-Type application/json.", error.GetProperty("message").GetString());
        Assert.Empty(await Api.UsernamesAsync(_client, customerId));
    }

    [Fact]
    public async Task An_error_answer_says_its_content_length()
    {
        using var response = await _client.GetAsync($"{Api.Customers()}/not-a-uuid");

        // As sent, not computed from the buffered body (which HttpContentHeaders.ContentLength falls back to).
        Assert.True(response.Content.Headers.NonValidated.TryGetValues("Content-Length", out var sent), "no Content-Length");
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.Single(sent));
    }

    [Fact]
    public async Task An_error_routing_answers_is_an_error_response_in_utf8_json()
    {
        using var response = await _client.GetAsync("/v4/orgs/telco/nothing-here");

        var error = await Api.AssertErrorAsync(response, HttpStatusCode.NotFound, "RESOURCE_NOT_FOUND", "path");
        Assert.Equal("No operation of this API has this path.", error.GetProperty("message").GetString());
        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.False(response.Headers.ConnectionClose ?? false);
    }

    [Fact]
    public async Task A_one_character_username_is_long_enough()
    {
        var customerId = await Api.CreateCustomerAsync(_client);

        await Api.CreateCredentialAsync(_client, customerId, "q");
    }

    [Fact]
    public async Task An_unknown_field_name_of_64_characters_is_shown_whole()
    {
        var customerId = await Api.CreateCustomerAsync(_client);
        var name = new string('m', 64);

        using var response = await _client.PostAsync(Api.Credentials(customerId), Api.Json($$"""{"username":"x","{{name}}":1}"""));

        var error = await Api.AssertErrorAsync(response, HttpStatusCode.BadRequest, "UNKNOWN_FIELD", $"body.{name}");
        Assert.Equal($"{name} is not a field of this request; expected only: username.", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Each_path_id_that_is_not_a_hyphenated_uuid_gets_its_own_error()
    {
        var braced = "{" + Uuid + "}";

        using var response = await _client.DeleteAsync($"{Api.Customers()}/{Uri.EscapeDataString(braced)}/credentials/{Uri.EscapeDataString(braced)}");

        await Api.AssertErrorAsync(response, HttpStatusCode.BadRequest, "INVALID_UUID");
        Assert.Equal(["path.customer_id", "path.credential_id"], (await ErrorsAsync(response)).Select(e => e.Ref).Order(StringComparer.Ordinal).Reverse());
    }

    private static async Task<List<(string Code, string Ref, string Message)>> ErrorsAsync(HttpResponseMessage response)
    {
        var body = await Api.ReadAsync(response);
        return body.GetProperty("errors").EnumerateArray()
            .Select(e => e.GetProperty("error"))
            .Select(e => (e.GetProperty("code").GetString()!, e.GetProperty("ref").GetString()!, e.GetProperty("message").GetString()!))
            .ToList();
    }
}
