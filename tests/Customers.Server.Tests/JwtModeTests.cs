using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Customers.Server.Tests;

/// <summary>The optional Bearer JWT mode: a valid token from the configured issuer, roles from its "roles" claim; x-auth-roles no longer counts.</summary>
public sealed class JwtModeTests : IAsyncLifetime
{
    private const string Issuer = "https://login.example.test";
    private const string Key = "a-test-signing-key-of-at-least-32-bytes!";
    private readonly ServiceFactory _service = new(new()
    {
        ["Authentication:Jwt:Issuer"] = Issuer,
        ["Authentication:Jwt:SigningKey"] = Key,
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _service.DisposeAsync();

    [Fact]
    public async Task A_valid_token_with_a_granted_role_is_let_in()
    {
        using var client = Client(Token(["API_KEY"]));

        using var response = await client.PostAsync(Api.Customers(), Api.Json("{}"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(EveryOperationTests.Operations), MemberType = typeof(EveryOperationTests))]
    public async Task Without_a_token_every_operation_answers_401_even_with_x_auth_roles(string operationId)
    {
        using var client = _service.CreateClient(roles: "API_KEY");
        using var request = EveryOperationTests.RequestFor(operationId);

        using var response = await client.SendAsync(request);

        await Api.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "MISSING_TOKEN", "header.authorization");
    }

    public static TheoryData<string> InvalidTokens => new()
    {
        Token(["API_KEY"], key: "another-signing-key-of-at-least-32-bytes"),
        Token(["API_KEY"], issuer: "https://someone.else.test"),
        Token(["API_KEY"], expires: DateTime.UtcNow.AddMinutes(-5)),
        "not-a-jwt",
    };

    [Theory]
    [MemberData(nameof(InvalidTokens))]
    public async Task A_token_with_a_wrong_key_issuer_or_lifetime_answers_401(string token)
    {
        using var client = Client(token);

        using var response = await client.GetAsync(Api.Credentials(Guid.NewGuid()));

        await Api.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "INVALID_TOKEN", "header.authorization");
    }

    [Fact]
    public async Task A_token_without_a_granted_role_answers_403()
    {
        using var client = Client(Token(["READER"]));

        using var response = await client.GetAsync(Api.Credentials(Guid.NewGuid()));

        var error = await Api.AssertErrorAsync(response, HttpStatusCode.Forbidden, "ROLE_NOT_PERMITTED", "header.authorization");
        Assert.Contains("READER", error.GetProperty("message").GetString());
    }

    private HttpClient Client(string token)
    {
        var client = _service.CreateClient(roles: null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static string Token(string[] roles, string key = Key, string issuer = Issuer, DateTime? expires = null)
    {
        var until = expires ?? DateTime.UtcNow.AddMinutes(5);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            IssuedAt = until.AddMinutes(-10),
            NotBefore = until.AddMinutes(-10),
            Expires = until,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
            Claims = new Dictionary<string, object> { ["sub"] = "tester", ["roles"] = roles },
        });
    }
}
