using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Customers.Client.Tests;

/// <summary>JWT mode from the client's side: a token source instead of roles, asked on every attempt.</summary>
public sealed class AccessTokenTests : IDisposable
{
    private readonly FakeService _fake = new();

    [Fact]
    public async Task Each_attempt_sends_the_token_the_source_gives_then_and_no_roles()
    {
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingGet()).InScenario("token").WillSetStateTo("failed once")
            .RespondWith(Response.Create().WithStatusCode(503).WithBody(Responses.Error("REPOSITORY_UNAVAILABLE", "server")));
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingGet()).InScenario("token").WhenStateIs("failed once")
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(Responses.CredentialList));
        var issued = 0;

        var client = _fake.Client(options =>
        {
            options.Roles = "";
            options.AccessTokenSource = _ => ValueTask.FromResult($"token-{Interlocked.Increment(ref issued)}");
        });
        await client.ListCredentialsAsync(FakeService.Org, FakeService.CustomerId);

        var requests = _fake.Requests("GET");
        Assert.Equal(["Bearer token-1", "Bearer token-2"], requests.Select(r => r.RequestMessage!.Headers!["Authorization"].Single()));
        Assert.All(requests, r => Assert.False(r.RequestMessage!.Headers!.ContainsKey("x-auth-roles")));
    }

    [Fact]
    public void Without_roles_or_a_token_source_the_options_are_refused()
    {
        var invalid = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => _fake.Client(options => options.Roles = " "));

        Assert.Contains("unless an AccessTokenSource is set", invalid.Message);
    }

    public void Dispose() => _fake.Dispose();
}
