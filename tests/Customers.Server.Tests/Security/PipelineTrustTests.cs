using System.Net;
using System.Net.Http.Headers;
using Customers.Server.Tests.Reliability;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection;

namespace Customers.Server.Tests.Security;

/// <summary>
/// What reaches the service before the contract's rules: the Host it is addressed by, an identity
/// header sent twice, and a failure inside authentication. Each answer stays inside the contract.
/// </summary>
public sealed class PipelineTrustTests(SharedService service) : IClassFixture<SharedService>
{
    [Fact]
    public async Task A_host_that_the_service_does_not_serve_answers_400_and_changes_nothing()
    {
        using var client = service.CreateClient("API_KEY");
        _ = await client.GetAsync("/health/ready"); // the database exists before the snapshot
        var before = StoreSnapshot.Read(service.DatabasePath);
        using var request = new HttpRequestMessage(HttpMethod.Post, Api.Customers()) { Content = Api.Json("{}") };
        request.Headers.Host = "evil.test"; // what a DNS-rebinding page sends to a developer's instance

        using var response = await client.SendAsync(request);

        await Api.AssertErrorAsync(response, HttpStatusCode.BadRequest, "INVALID_HOST", "header.host");
        Assert.True(response.Headers.Contains("x-trace-id"));
        Assert.Equal(before, StoreSnapshot.Read(service.DatabasePath));
    }

    [Fact]
    public async Task Roles_in_two_header_lines_answer_400_even_when_one_would_be_granted()
    {
        using var client = service.CreateClient(roles: null);
        using var request = new HttpRequestMessage(HttpMethod.Post, Api.Customers()) { Content = Api.Json("{}") };
        request.Headers.TryAddWithoutValidation("x-auth-roles", ["READ_ONLY", "API_KEY"]); // a gateway that appended its line

        using var response = await client.SendAsync(request);

        var error = await Api.AssertErrorAsync(response, HttpStatusCode.BadRequest, "DUPLICATE_HEADER", "header.x-auth-roles");
        Assert.Contains("2 lines", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Several_roles_in_one_line_still_count()
    {
        using var client = service.CreateClient("READ_ONLY, API_KEY");

        await Api.CreateCustomerAsync(client);
    }

    [Fact]
    public async Task The_docs_page_may_run_only_its_own_scripts_and_be_framed_by_nobody()
    {
        using var client = service.CreateClient(roles: null);

        using var page = await client.GetAsync("/docs/");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var policy = string.Join(' ', page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.Contains("default-src 'none'", policy);
        Assert.Matches("script-src 'self' 'sha256-[A-Za-z0-9+/=]+'", policy);
        Assert.DoesNotContain("unsafe-inline';", policy.Split("style-src")[0]); // scripts: never inline by permission
        Assert.Equal("nosniff", Assert.Single(page.Headers.GetValues("X-Content-Type-Options")));
    }
}

/// <summary>An exception inside authentication answers 500 INTERNAL_ERROR, and health, docs and the contract still answer.</summary>
public sealed class AuthenticationFailureTests : IAsyncLifetime
{
    private readonly ServiceFactory _service = new(
        new()
        {
            ["Authentication:Jwt:Issuer"] = "https://login.example.test",
            ["Authentication:Jwt:SigningKey"] = "a-test-signing-key-of-at-least-32-bytes!",
            ["Authentication:Jwt:Audience"] = "customers-api",
        },
        services => services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme,
            _ => throw new InvalidOperationException("A handler that cannot be built (as IDX10108 was).")));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _service.DisposeAsync();

    [Fact]
    public async Task A_failing_authentication_handler_answers_500_inside_the_contract()
    {
        using var client = _service.CreateClient(roles: null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "any.token.at-all");

        using var response = await client.PostAsync(Api.Customers(), Api.Json("{}"));

        var error = await Api.AssertErrorAsync(response, HttpStatusCode.InternalServerError, "INTERNAL_ERROR", "server");
        var traceId = Assert.Single(response.Headers.GetValues("x-trace-id"));
        Assert.Contains(traceId, error.GetProperty("message").GetString());
        Assert.DoesNotContain("IDX10108", error.GetRawText());
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/docs/")]
    [InlineData("/openapi/customers-v4.yaml")]
    public async Task What_needs_no_identity_still_answers_while_authentication_fails(string path)
    {
        using var client = _service.CreateClient(roles: null);

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
