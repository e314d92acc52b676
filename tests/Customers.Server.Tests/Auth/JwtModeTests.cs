using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Customers.Server.Tests.Reliability;
using Microsoft.IdentityModel.Tokens;

namespace Customers.Server.Tests.Auth;

/// <summary>
/// JWT mode against a real identity provider on 127.0.0.1 (discovery and JWKS): tokens signed with
/// its RSA or EC keys, for this API's audience, act on the organizations of their orgs claim with
/// the roles of their roles claim; everything else is 401 or 403, and x-auth-roles no longer counts.
/// </summary>
public sealed class JwtModeTests : IAsyncLifetime
{
    private LocalIdentityProvider _provider = null!;
    private ServiceFactory _service = null!;

    public async Task InitializeAsync()
    {
        _provider = await LocalIdentityProvider.StartAsync();
        _service = new ServiceFactory(new()
        {
            ["Authentication:Jwt:Authority"] = _provider.Issuer,
            ["Authentication:Jwt:Audience"] = LocalIdentityProvider.Audience,
            ["Authentication:Jwt:KeyRefreshInterval"] = "00:00:01",
        });
    }

    public async Task DisposeAsync()
    {
        await _service.DisposeAsync();
        await _provider.DisposeAsync();
    }

    [Theory]
    [InlineData(SecurityAlgorithms.RsaSha256)]
    [InlineData(SecurityAlgorithms.EcdsaSha256)]
    public async Task A_token_of_the_provider_acts_on_its_organizations(string algorithm)
    {
        using var client = Client(_provider.Token(orgs: new[] { Api.Org, "second-org" }, key: _provider.Current(algorithm)));

        var customer = await Api.CreateCustomerAsync(client);
        await Api.CreateCredentialAsync(client, customer, $"jwt-{Guid.NewGuid():N}@example.com");
        var elsewhere = await Api.CreateCustomerAsync(client, "second-org");

        Assert.NotEqual(customer, elsewhere);
    }

    [Fact]
    public async Task An_orgs_claim_may_be_one_org_id()
    {
        using var client = Client(_provider.Token(orgs: Api.Org));

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
        "for another API", "without an audience", "from another issuer", "expired", "without an expiry", "unsigned (alg none)",
        "HS256 with the public key as secret", "signed with a key the provider never published", "not a JWT",
    };

    [Theory]
    [MemberData(nameof(InvalidTokens))]
    public async Task A_token_that_is_not_the_providers_for_this_API_answers_401(string kind)
    {
        var orgs = new[] { Api.Org };
        var token = kind switch
        {
            "for another API" => _provider.Token(orgs: orgs, audience: "another-api"),
            "without an audience" => _provider.Token(orgs: orgs, audience: null),
            "from another issuer" => _provider.Token(orgs: orgs, issuer: "https://someone.else.test"),
            "expired" => _provider.Token(orgs: orgs, expires: DateTime.UtcNow.AddMinutes(-5)),
            "without an expiry" => _provider.Token(orgs: orgs, withExpiry: false),
            "unsigned (alg none)" => _provider.UnsignedToken(),
            "HS256 with the public key as secret" => _provider.TokenSignedWithThePublicKeyAsSecret(),
            "signed with a key the provider never published" => _provider.Token(orgs: orgs, key: IdentityKey.Rsa()),
            _ => "not-a-jwt",
        };
        using var client = Client(token);

        using var response = await client.GetAsync(Api.Credentials(Guid.NewGuid()));

        await Api.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "INVALID_TOKEN", "header.authorization");
    }

    [Fact]
    public async Task A_token_without_a_granted_role_answers_403()
    {
        using var client = Client(_provider.Token(roles: ["READER"], orgs: new[] { Api.Org }));

        using var response = await client.GetAsync(Api.Credentials(Guid.NewGuid()));

        var error = await Api.AssertErrorAsync(response, HttpStatusCode.Forbidden, "ROLE_NOT_PERMITTED", "header.authorization");
        Assert.Contains("READER", error.GetProperty("message").GetString());
    }

    [Theory]
    [MemberData(nameof(EveryOperationTests.Operations), MemberType = typeof(EveryOperationTests))]
    public async Task Every_operation_on_an_organization_the_token_does_not_carry_answers_403_and_changes_nothing(string operationId)
    {
        using var owner = Client(_provider.Token(orgs: new[] { "victim-org" }));
        var customer = await Api.CreateCustomerAsync(owner, "victim-org");
        var credential = (await Api.CreateCredentialAsync(owner, customer, $"victim-{Guid.NewGuid():N}@example.com", "victim-org")).GetProperty("id").GetGuid();
        var before = StoreSnapshot.Read(_service.DatabasePath);

        foreach (var token in new[] { _provider.Token(orgs: new[] { Api.Org }), _provider.Token(orgs: null) })
        {
            using var intruder = Client(token);
            using var response = await intruder.SendAsync(EveryOperationTests.RequestFor(operationId, customer, credential, org: "victim-org"));

            var error = await Api.AssertErrorAsync(response, HttpStatusCode.Forbidden, "ORG_NOT_PERMITTED", "path.org_id");
            Assert.DoesNotContain("victim", error.GetProperty("message").GetString());
        }

        Assert.Equal(before, StoreSnapshot.Read(_service.DatabasePath));
    }

    [Fact]
    [Trait("Tier", "Slow")]
    [Trait("Needs", "Time")]
    public async Task A_key_the_provider_rotates_in_is_accepted_without_a_restart_and_the_retired_one_refused()
    {
        var orgs = new[] { Api.Org };
        var old = _provider.Current(SecurityAlgorithms.RsaSha256);
        using (var before = Client(_provider.Token(orgs: orgs, key: old)))
        {
            Assert.Equal(HttpStatusCode.Created, (await before.PostAsync(Api.Customers(), Api.Json("{}"))).StatusCode);
        }

        var next = IdentityKey.Rsa();
        _provider.Publish(next);
        _provider.Retire(old);

        // The first token with the new key id makes the service fetch the JWKS again (at most once per
        // KeyRefreshInterval, 1 s here); from then on the new key is known and the old one is gone.
        using var rotated = Client(_provider.Token(orgs: orgs, key: next));
        var status = HttpStatusCode.Unauthorized;
        for (var waited = Stopwatch.StartNew(); waited.Elapsed < TimeSpan.FromSeconds(10) && status != HttpStatusCode.Created; await Task.Delay(200))
        {
            using var response = await rotated.PostAsync(Api.Customers(), Api.Json("{}"));
            status = response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.Created, status);
        // Not the last known good keys: once the JWKS no longer serves a key, its tokens are refused.
        using var retired = Client(_provider.Token(orgs: orgs, key: old));
        using var refused = await retired.PostAsync(Api.Customers(), Api.Json("{}"));
        await Api.AssertErrorAsync(refused, HttpStatusCode.Unauthorized, "INVALID_TOKEN", "header.authorization");
    }

    private HttpClient Client(string token)
    {
        var client = _service.CreateClient(roles: null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
