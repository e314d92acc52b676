using System.Net;
using System.Net.Http.Headers;
using Customers.Server.Tests.Auth;
using Customers.Server.Tests.Postgres;

namespace Customers.Server.Tests.Audit;

/// <summary>
/// JWT mode, on each provider: the event's actor is the token's sub and azp (or client_id) with the
/// roles that allowed the call; x-auth-caller counts for nothing; a refused token writes no event.
/// </summary>
public abstract class AuditActorJwtTests : IAsyncLifetime
{
    private LocalIdentityProvider _provider = null!;
    private ServiceFactory _service = null!;

    protected abstract Task<Dictionary<string, string?>> SettingsAsync();

    protected virtual void Require()
    {
    }

    public async Task InitializeAsync()
    {
        _provider = await LocalIdentityProvider.StartAsync();
        var settings = await SettingsAsync();
        settings["Authentication:Jwt:Authority"] = _provider.Issuer;
        settings["Authentication:Jwt:Audience"] = LocalIdentityProvider.Audience;
        settings["Authorization:Grants:API_KEY:0"] = "*";
        _service = new ServiceFactory(settings);
    }

    public async Task DisposeAsync()
    {
        await _service.DisposeAsync();
        await _provider.DisposeAsync();
    }

    private HttpClient Client(string token)
    {
        var client = _service.CreateClient(roles: null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    [SkippableTheory]
    [InlineData("azp")]
    [InlineData("client_id")]
    public async Task The_actor_is_the_tokens_subject_and_client_with_the_roles_that_allowed_the_call(string clientClaim)
    {
        Require();
        var org = $"jwt-{clientClaim.Replace('_', '-')}";
        using var client = Client(_provider.Token(roles: ["READER", "API_KEY"], orgs: org,
            claims: new Dictionary<string, object> { ["sub"] = "5e1f9c2a-user", [clientClaim] = "crm-backend" }));
        client.DefaultRequestHeaders.Add("x-auth-caller", "someone-else");
        using var refused = Client(_provider.Token(roles: ["READER"], orgs: org));

        var customer = await Api.CreateCustomerAsync(client, org);
        Assert.Equal(HttpStatusCode.Forbidden, (await refused.PostAsync(Api.Customers(org), Api.Json("{}"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client("not-a-token").PostAsync(Api.Customers(org), Api.Json("{}"))).StatusCode);
        await Api.CreateCredentialAsync(client, customer, $"jwt-{Guid.NewGuid():N}@example.com", org);

        var events = await AuditTrail.AllAsync(client, org);

        Assert.Equal(["createCustomer", "createCredential"], events.Select(e => e.GetProperty("operation").GetString()));
        Assert.All(events, e => Assert.Equal("""{"subject":"5e1f9c2a-user","client":"crm-backend","roles":["API_KEY"]}""", e.GetProperty("actor").GetRawText()));
    }
}

public sealed class SqliteAuditActorJwtTests : AuditActorJwtTests
{
    protected override Task<Dictionary<string, string?>> SettingsAsync() => Task.FromResult(new Dictionary<string, string?>());
}

[Collection(PostgresCollection.Name)]
[Trait("Tier", "Slow")]
[Trait("Needs", "PostgreSQL")]
public sealed class PostgresAuditActorJwtTests(SharedPostgres postgres) : AuditActorJwtTests
{
    protected override void Require() => PostgresRequirement.SkipIfUnavailable();

    protected override async Task<Dictionary<string, string?>> SettingsAsync() => PostgresCluster.Unavailable is not null
        ? []
        : new()
        {
            ["Storage:Provider"] = "Postgres",
            ["ConnectionStrings:Postgres"] = await postgres.CreateDatabaseAsync(),
        };
}
