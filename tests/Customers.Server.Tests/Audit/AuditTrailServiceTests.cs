using System.Net;
using System.Text.Json;
using Customers.Server.Tests.Postgres;

namespace Customers.Server.Tests.Audit;

/// <summary>
/// The audit trail through the service in gateway mode, on each provider: one event per change
/// with the caller the gateway named, none for a replay or a refusal, paging, verification.
/// </summary>
public abstract class AuditTrailServiceTests : IAsyncLifetime
{
    private ServiceFactory _service = null!;

    protected abstract Task<Dictionary<string, string?>> SettingsAsync();

    protected virtual void Require()
    {
    }

    public async Task InitializeAsync()
    {
        var settings = await SettingsAsync();
        settings["Authorization:Grants:API_KEY:0"] = "*";
        settings["Authorization:Grants:AUDITOR:0"] = "listAuditEvents";
        settings["Authorization:Grants:AUDITOR:1"] = "verifyAuditTrail";
        _service = new ServiceFactory(settings);
    }

    public async Task DisposeAsync() => await _service.DisposeAsync();

    private HttpClient Client(string roles, string? caller = null)
    {
        var client = _service.CreateClient(roles);
        if (caller is not null)
        {
            client.DefaultRequestHeaders.Add("x-auth-caller", caller);
        }

        return client;
    }

    [SkippableFact]
    public async Task Every_change_leaves_one_event_with_the_gateways_caller_and_a_replay_or_refusal_none()
    {
        Require();
        using var writer = Client("API_KEY, READER", caller: "user-42");
        using var auditor = Client("AUDITOR");
        using var createCustomer = new HttpRequestMessage(HttpMethod.Post, Api.Customers()) { Content = Api.Json("{}") };
        createCustomer.Headers.Add("Idempotency-Key", "audit-key-1");
        using var created = await writer.SendAsync(createCustomer);
        var customer = (await Api.ReadAsync(created)).GetProperty("id").GetGuid();
        using var replay = new HttpRequestMessage(HttpMethod.Post, Api.Customers()) { Content = Api.Json("{}") };
        replay.Headers.Add("Idempotency-Key", "audit-key-1");
        Assert.Equal(HttpStatusCode.Created, (await writer.SendAsync(replay)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PostAsync(Api.Customers(), Api.Json("{}"))).StatusCode);
        var credential = (await Api.CreateCredentialAsync(writer, customer, $"audited-{Guid.NewGuid():N}@example.com")).GetProperty("id").GetGuid();
        var taken = $"taken-{Guid.NewGuid():N}@example.com";
        await Api.CreateCredentialAsync(writer, customer, taken);
        Assert.Equal(HttpStatusCode.Conflict, (await writer.PostAsync(Api.Credentials(customer), Api.Json($$"""{"username":"{{taken.ToUpperInvariant()}}"}"""))).StatusCode);
        using var deleted = await writer.DeleteAsync($"{Api.Credentials(customer)}/{credential}");
        Assert.Equal(HttpStatusCode.NotFound, (await writer.DeleteAsync($"{Api.Credentials(customer)}/{credential}")).StatusCode);
        using var erased = await writer.DeleteAsync($"{Api.Customers()}/{customer}");

        var events = await AuditTrail.AllAsync(auditor);

        Assert.Equal(["createCustomer", "createCredential", "createCredential", "deleteCredential", "eraseCustomer"], events.Select(e => e.GetProperty("operation").GetString()));
        Assert.Equal([1L, 2L, 3L, 4L, 5L], events.Select(e => e.GetProperty("sequence").GetInt64()));
        Assert.All(events, e => Assert.Equal(customer, e.GetProperty("customer_id").GetGuid()));
        Assert.All(events, e => Assert.Equal("""{"subject":"user-42","client":null,"roles":["API_KEY"]}""", e.GetProperty("actor").GetRawText()));
        Assert.Equal("audit-key-1", events[0].GetProperty("idempotency_key").GetString());
        Assert.Equal(JsonValueKind.Null, events[0].GetProperty("credential_id").ValueKind);
        Assert.Equal(credential, events[1].GetProperty("credential_id").GetGuid());
        Assert.Equal(credential, events[3].GetProperty("credential_id").GetGuid());
        Assert.Equal(created.Headers.GetValues("x-trace-id").Single(), events[0].GetProperty("trace_id").GetString());
        Assert.Equal(erased.Headers.GetValues("x-trace-id").Single(), events[4].GetProperty("trace_id").GetString());
        var verification = await AuditTrail.VerifyAsync(auditor);
        Assert.Equal("""{"verified":true,"events_checked":5,"first_broken":null}""", verification.GetRawText());
    }

    [SkippableFact]
    [Trait("Tier", "Slow")]
    [Trait("Needs", "Time")]
    public async Task A_reader_paging_sees_every_event_once_and_next_is_null_at_the_end()
    {
        Require();
        using var writer = Client("API_KEY");
        var customer = await Api.CreateCustomerAsync(writer);
        for (var i = 0; i < 6; i++)
        {
            await Api.CreateCredentialAsync(writer, customer, $"page-{i}-{Guid.NewGuid():N}@example.com");
        }

        var pages = new List<JsonElement>();
        string? after = null;
        do
        {
            var page = await AuditTrail.PageAsync(writer, Api.Org, after, 3);
            pages.Add(page);
            after = page.GetProperty("next").GetString();
        }
        while (after is not null);

        Assert.Equal([3, 3, 1], pages.Select(p => p.GetProperty("events").GetArrayLength()));
        Assert.Equal(Enumerable.Range(1, 7).Select(i => (long)i), pages.SelectMany(p => p.GetProperty("events").EnumerateArray()).Select(e => e.GetProperty("sequence").GetInt64()));
        await Api.CreateCredentialAsync(writer, customer, $"later-{Guid.NewGuid():N}@example.com");
        var since = await AuditTrail.PageAsync(writer, Api.Org, "7", 3);
        Assert.Equal([8L], since.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64()));
    }

    [SkippableTheory]
    [InlineData("?limit=0", "query.limit")]
    [InlineData("?limit=101", "query.limit")]
    [InlineData("?after=-1", "query.after")]
    public async Task A_limit_or_cursor_outside_the_contract_answers_400(string query, string reference)
    {
        Require();
        using var client = Client("AUDITOR");

        using var response = await client.GetAsync(AuditTrail.Events(query: query));

        await Api.AssertErrorAsync(response, HttpStatusCode.BadRequest, "INVALID_PARAMETER", reference);
    }

    [SkippableFact]
    public async Task Verifying_an_org_id_outside_the_contract_answers_400()
    {
        Require();
        using var client = Client("AUDITOR");

        using var response = await client.GetAsync(AuditTrail.Events("-not-an-org") + "/verification");

        await Api.AssertErrorAsync(response, HttpStatusCode.BadRequest, "INVALID_PARAMETER", "path.org_id");
    }

    [SkippableFact]
    public async Task A_caller_header_outside_its_documented_shape_answers_400_and_changes_nothing()
    {
        Require();
        using var client = Client("API_KEY", caller: new string('u', 257));

        using var response = await client.PostAsync(Api.Customers(), Api.Json("{}"));

        await Api.AssertErrorAsync(response, HttpStatusCode.BadRequest, "INVALID_PARAMETER", "header.x-auth-caller");
        Assert.Empty(await AuditTrail.AllAsync(Client("AUDITOR")));
    }
}

public sealed class SqliteAuditTrailServiceTests : AuditTrailServiceTests
{
    protected override Task<Dictionary<string, string?>> SettingsAsync() => Task.FromResult(new Dictionary<string, string?>());
}

[Collection(PostgresCollection.Name)]
[Trait("Tier", "Slow")]
[Trait("Needs", "PostgreSQL")]
public sealed class PostgresAuditTrailServiceTests(SharedPostgres postgres) : AuditTrailServiceTests
{
    protected override void Require() => PostgresRequirement.SkipIfUnavailable();

    protected override async Task<Dictionary<string, string?>> SettingsAsync()
    {
        if (PostgresCluster.Unavailable is not null)
        {
            return []; // The tests skip; SQLite lets the fixture start.
        }

        return new()
        {
            ["Storage:Provider"] = "Postgres",
            ["ConnectionStrings:Postgres"] = await postgres.CreateDatabaseAsync(),
        };
    }
}
