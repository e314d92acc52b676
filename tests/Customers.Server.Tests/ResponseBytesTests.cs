using System.Net;

namespace Customers.Server.Tests;

/// <summary>
/// What a person reading the raw response sees (curl, a log of bodies): names and messages as
/// written, not as \uXXXX escapes, the way the service answered before the endpoints redesign and
/// the README's curl session shows.
/// </summary>
public sealed class ResponseBytesTests(SharedService service) : IClassFixture<SharedService>
{
    private readonly HttpClient _client = service.CreateClient("API_KEY");

    [Fact]
    public async Task A_username_outside_ASCII_is_answered_as_written()
    {
        var customer = await Api.CreateCustomerAsync(_client);
        const string username = "ΟΔΟΣ.ñandú@example.com";

        using var created = await _client.PostAsync(Api.Credentials(customer), Api.Json($$"""{"username":"{{username}}"}"""));
        using var listed = await _client.GetAsync(Api.Credentials(customer));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Contains($"\"username\":\"{username}\"", await created.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains($"\"username\":\"{username}\"", await listed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_error_message_quotes_the_request_as_written()
    {
        var customer = await Api.CreateCustomerAsync(_client);

        using var response = await _client.PostAsync(Api.Credentials(customer), Api.Json("{'username': 'a@example.com'}"));

        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("''' is an invalid start of a property name. Expected a '\\\"'.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u00", text, StringComparison.Ordinal);
    }
}
