using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Customers.Server.Tests.Auth;

/// <summary>JWT mode with an HS256 shared secret, the development convenience: the same audience and organization rules apply.</summary>
public sealed class DevelopmentJwtTests : IAsyncLifetime
{
    private const string Issuer = "https://login.example.test";
    private const string Key = "a-test-signing-key-of-at-least-32-bytes!";
    private readonly ServiceFactory _service = new(new()
    {
        ["Authentication:Jwt:Issuer"] = Issuer,
        ["Authentication:Jwt:SigningKey"] = Key,
        ["Authentication:Jwt:Audience"] = LocalIdentityProvider.Audience,
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _service.DisposeAsync();

    [Theory]
    [InlineData(LocalIdentityProvider.Audience, Api.Org, HttpStatusCode.Created)]
    [InlineData("another-api", Api.Org, HttpStatusCode.Unauthorized)]
    [InlineData(LocalIdentityProvider.Audience, "another-org", HttpStatusCode.Forbidden)]
    public async Task A_shared_secret_token_needs_the_audience_and_the_organization(string audience, string orgs, HttpStatusCode expected)
    {
        using var client = _service.CreateClient(roles: null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            Expires = DateTime.UtcNow.AddMinutes(5),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(Key)), SecurityAlgorithms.HmacSha256),
            Claims = new Dictionary<string, object> { ["sub"] = "developer", ["roles"] = new[] { "API_KEY" }, ["orgs"] = orgs },
        }));

        using var response = await client.PostAsync(Api.Customers(), Api.Json("{}"));

        Assert.Equal(expected, response.StatusCode);
    }
}
