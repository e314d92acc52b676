using System.Net;
using System.Text;
using System.Text.Json;

namespace Customers.Server.Tests;

/// <summary>Raw HTTP helpers: tests read the JSON on the wire, not the service's own DTOs.</summary>
public static class Api
{
    public const string Org = "telco";

    public static string Customers(string org = Org) => $"/v4/orgs/{org}/customers";

    public static string Credentials(Guid customerId, string org = Org) => $"/v4/orgs/{org}/customers/{customerId}/credentials";

    public static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    public static async Task<Guid> CreateCustomerAsync(HttpClient client, string org = Org)
    {
        using var response = await client.PostAsync(Customers(org), Json("{}"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await ReadAsync(response)).GetProperty("id").GetGuid();
    }

    public static async Task<JsonElement> CreateCredentialAsync(HttpClient client, Guid customerId, string username, string org = Org)
    {
        using var response = await client.PostAsync(Credentials(customerId, org), Json(JsonSerializer.Serialize(new Dictionary<string, string> { ["username"] = username })));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await ReadAsync(response);
    }

    public static async Task<List<string>> UsernamesAsync(HttpClient client, Guid customerId, string org = Org)
    {
        using var response = await client.GetAsync(Credentials(customerId, org));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await ReadAsync(response);
        return body.GetProperty("credentials").EnumerateArray().Select(c => c.GetProperty("username").GetString()!).ToList();
    }

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts the status, that the body is an ErrorResponse, and that its first error has the code and ref; returns that error.</summary>
    public static async Task<JsonElement> AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code, string? reference = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonDocument.Parse(text).RootElement.GetProperty("errors");
        Assert.True(errors.GetArrayLength() > 0, text);
        var error = errors[0].GetProperty("error");
        Assert.True(code == error.GetProperty("code").GetString(), $"Expected {code}: {text}");
        if (reference is not null)
        {
            Assert.Equal(reference, error.GetProperty("ref").GetString());
        }

        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        return error.Clone();
    }
}
