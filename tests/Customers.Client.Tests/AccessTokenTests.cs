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
    public async Task A_refused_token_is_reported_to_the_source_which_is_asked_once_more_and_the_call_is_sent_once_more()
    {
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingPost()).InScenario("expiry").WillSetStateTo("refused once")
            .RespondWith(Response.Create().WithStatusCode(401).WithHeader("Content-Type", "application/json").WithBody(Responses.Error("INVALID_TOKEN", "header.authorization")));
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingPost()).InScenario("expiry").WhenStateIs("refused once")
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json").WithBody(Responses.CredentialCreated));
        var issued = 0;
        var refused = new List<string>();
        var client = _fake.Client(options =>
        {
            options.Roles = "";
            options.MaxRetryAttempts = 0; // The refresh is not a retry of the pipeline: it happens with retries off too.
            options.AccessTokenSource = _ => ValueTask.FromResult($"token-{Interlocked.Increment(ref issued)}");
            options.AccessTokenRefused = (token, _) =>
            {
                refused.Add(token);
                return ValueTask.CompletedTask;
            };
        });

        var created = await client.CreateCredentialAsync(FakeService.Org, FakeService.CustomerId, "username@masmovil.com");

        Assert.Equal(FakeService.CredentialId, created.Id);
        Assert.Equal(["token-1"], refused);
        Assert.Equal(["Bearer token-1", "Bearer token-2"], _fake.Requests("POST").Select(r => r.RequestMessage!.Headers!["Authorization"].Single()));
    }

    [Fact]
    public async Task A_token_refused_twice_fails_with_the_401_after_one_refresh()
    {
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(401).WithHeader("Content-Type", "application/json").WithBody(Responses.Error("INVALID_TOKEN", "header.authorization")));
        var client = _fake.Client(options => (options.Roles, options.AccessTokenSource) = ("", _ => ValueTask.FromResult("expired")));

        var failure = await Assert.ThrowsAsync<CustomerCredentialsException>(() => client.ListCredentialsAsync(FakeService.Org, FakeService.CustomerId));

        Assert.Equal((401, "INVALID_TOKEN"), (failure.Status, failure.ErrorCode));
        Assert.Equal(2, _fake.Requests("GET").Count);
    }

    [Fact]
    public async Task A_token_source_that_throws_has_its_own_kind_and_nothing_is_sent()
    {
        var client = _fake.Client(options =>
            (options.Roles, options.AccessTokenSource) = ("", _ => throw new InvalidOperationException("The identity provider is down.")));

        var failure = await Assert.ThrowsAsync<CustomerCredentialsException>(() => client.ListCredentialsAsync(FakeService.Org, FakeService.CustomerId));

        Assert.Equal(CustomerCredentialsFailureKind.TokenSourceFailed, failure.Kind);
        Assert.Contains("The identity provider is down.", failure.Message);
        Assert.Empty(_fake.Requests("GET"));
    }

    [Fact]
    public void Without_roles_or_a_token_source_the_options_are_refused()
    {
        var invalid = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => _fake.Client(options => options.Roles = " "));

        Assert.Contains("unless an AccessTokenSource is set", invalid.Message);
    }

    public void Dispose() => _fake.Dispose();
}
