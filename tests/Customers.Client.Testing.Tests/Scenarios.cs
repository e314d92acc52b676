using System.Net;
using System.Text;
using System.Text.Json;

namespace Customers.Client.Testing.Tests;

/// <summary>
/// What a client team relies on, as steps of (request → status, first error code, error ref). The
/// same scenarios run against the fake and against the real service; both runs check every
/// response against the contract, so the two agree on statuses, codes and body shapes.
/// </summary>
public abstract class Scenarios<TTarget>(TTarget target) : IClassFixture<TTarget>
    where TTarget : class, ITarget
{
    private const string Org = "telco";
    private HttpClient? _http;

    // Made on first use, so that a target that cannot run (NativeTarget without its executable) skips each test with its reason.
    private HttpClient Http => _http ??= target.Http();

    [SkippableFact]
    public async Task Create_list_and_delete_a_credential()
    {
        var customer = await CreateCustomerAsync();
        var created = await ExpectAsync(Post($"{Credentials(customer)}", """{"username":"alice@example.com"}"""), 201);
        var id = created.GetProperty("id").GetGuid();
        Assert.Equal("alice@example.com", created.GetProperty("username").GetString());
        Assert.True(created.GetProperty("created_at").TryGetDateTimeOffset(out _));

        var list = await ExpectAsync(Get(Credentials(customer)), 200);
        Assert.Equal([id], list.GetProperty("credentials").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()));

        await ExpectAsync(new HttpRequestMessage(HttpMethod.Delete, $"{Credentials(customer)}/{id}"), 204);
        await ExpectErrorAsync(new HttpRequestMessage(HttpMethod.Delete, $"{Credentials(customer)}/{id}"), 404, "CREDENTIAL_NOT_FOUND", "path.credential_id");
        Assert.Empty((await ExpectAsync(Get(Credentials(customer)), 200)).GetProperty("credentials").EnumerateArray());
    }

    [SkippableFact]
    public async Task Usernames_are_unique_per_organization_in_any_letter_case()
    {
        var one = await CreateCustomerAsync();
        var two = await CreateCustomerAsync();
        await ExpectAsync(Post(Credentials(one), """{"username":"Bob@Example.com"}"""), 201);

        await ExpectErrorAsync(Post(Credentials(two), """{"username":"bob@example.COM"}"""), 409, "USERNAME_TAKEN", "body.username");
        var elsewhere = await CreateCustomerAsync("other-org");
        await ExpectAsync(Post(Credentials(elsewhere, "other-org"), """{"username":"bob@example.com"}"""), 201);
    }

    [SkippableFact]
    public async Task Usernames_that_are_one_under_RFC_8265_are_taken_in_every_form()
    {
        var one = await CreateCustomerAsync();
        var two = await CreateCustomerAsync();
        await ExpectAsync(Post(Credentials(one), """{"username":"ΟΔΟΣ@x.gr"}"""), 201);

        foreach (var form in new[] { "οδος@x.gr", "οδοσ@x.gr", "οδος@\uff38.\uff27\uff32" })
        {
            await ExpectErrorAsync(Post(Credentials(two), $$"""{"username":"{{form}}"}"""), 409, "USERNAME_TAKEN", "body.username");
        }
    }

    [SkippableFact]
    public async Task A_customer_of_another_organization_is_not_found()
    {
        var customer = await CreateCustomerAsync();

        await ExpectErrorAsync(Get($"/v4/orgs/other-org/customers/{customer}"), 404, "CUSTOMER_NOT_FOUND", "path.customer_id");
        await ExpectErrorAsync(Get(Credentials(customer, "other-org")), 404, "CUSTOMER_NOT_FOUND", "path.customer_id");
        await ExpectErrorAsync(Post(Credentials(customer, "other-org"), """{"username":"x@example.com"}"""), 404, "CUSTOMER_NOT_FOUND", "path.customer_id");
        var read = await ExpectAsync(Get($"/v4/orgs/{Org}/customers/{customer}"), 200);
        Assert.Equal(customer, read.GetProperty("id").GetGuid());
    }

    [SkippableFact]
    public async Task Roles_are_required_and_must_be_permitted()
    {
        var customer = await CreateCustomerAsync();
        using var anonymous = target.Http(roles: null);
        using var stranger = target.Http(roles: "SOMEONE_ELSE");

        foreach (var request in new Func<HttpRequestMessage>[] { () => Get(Credentials(customer)), () => Post(Credentials(customer), """{"username":"r@example.com"}"""), () => Post($"/v4/orgs/{Org}/customers", "{}") })
        {
            await ExpectErrorAsync(request(), 401, "MISSING_ROLES", "header.x-auth-roles", anonymous);
            await ExpectErrorAsync(request(), 403, "ROLE_NOT_PERMITTED", "header.x-auth-roles", stranger);
        }
    }

    [SkippableTheory]
    [InlineData("{'username': 'username@masmovil.com'}", "INVALID_JSON", "body")]
    [InlineData("{}", "MISSING_FIELD", "body.username")]
    [InlineData("""{"username":null}""", "MISSING_FIELD", "body.username")]
    [InlineData("""{"username":""}""", "FIELD_TOO_SHORT", "body.username")]
    [InlineData("""{"username":" padded "}""", "INVALID_FIELD_FORMAT", "body.username")]
    [InlineData("""{"username":42}""", "INVALID_FIELD_TYPE", "body.username")]
    [InlineData("""{"username":"a@example.com","admin":true}""", "UNKNOWN_FIELD", "body.admin")]
    [InlineData("""{"username":"a@example.com","username":"b@example.com"}""", "DUPLICATE_FIELD", "body.username")]
    [InlineData("""{"username":"a\u200b@example.com"}""", "INVALID_USERNAME", "body.username")]
    [InlineData("""{"username":"a\ufffe@example.com"}""", "INVALID_USERNAME", "body.username")]
    [InlineData("""{"username":"\ufb01@example.com"}""", "INVALID_USERNAME", "body.username")]
    [InlineData("[]", "INVALID_FIELD_TYPE", "body")]
    public async Task A_bad_credential_body_answers_400_saying_what_and_where(string body, string code, string reference)
    {
        var customer = await CreateCustomerAsync();

        await ExpectErrorAsync(Post(Credentials(customer), body), 400, code, reference);
        Assert.Empty((await ExpectAsync(Get(Credentials(customer)), 200)).GetProperty("credentials").EnumerateArray());
    }

    [SkippableFact]
    public async Task A_username_over_82_characters_answers_400_field_too_long()
    {
        var customer = await CreateCustomerAsync();

        await ExpectErrorAsync(Post(Credentials(customer), $$"""{"username":"{{new string('a', 83)}}"}"""), 400, "FIELD_TOO_LONG", "body.username");
        await ExpectAsync(Post(Credentials(customer), $$"""{"username":"{{new string('a', 82)}}"}"""), 201);
    }

    [SkippableFact]
    public async Task Malformed_path_parameters_answer_400()
    {
        await ExpectErrorAsync(Get($"/v4/orgs/{Org}/customers/not-a-uuid/credentials"), 400, "INVALID_UUID", "path.customer_id");
        await ExpectErrorAsync(new HttpRequestMessage(HttpMethod.Delete, $"{Credentials(Guid.NewGuid())}/nope"), 400, "INVALID_UUID", "path.credential_id");
        await ExpectErrorAsync(Get($"/v4/orgs/-dash/customers/{Guid.NewGuid()}"), 400, "INVALID_PARAMETER", "path.org_id");
    }

    [SkippableFact]
    public async Task An_idempotent_create_is_replayed_and_a_reused_key_conflicts()
    {
        var customer = await CreateCustomerAsync();
        var key = Guid.NewGuid().ToString();

        var first = await ExpectAsync(Post(Credentials(customer), """{"username":"idem@example.com"}""", key), 201);
        var replay = await ExpectAsync(Post(Credentials(customer), """{"username":"idem@example.com"}""", key), 201);
        await ExpectErrorAsync(Post(Credentials(customer), """{"username":"other@example.com"}""", key), 409, "IDEMPOTENCY_KEY_REUSED", "header.idempotency-key");

        Assert.Equal(first.GetProperty("id").GetGuid(), replay.GetProperty("id").GetGuid());
        Assert.Single((await ExpectAsync(Get(Credentials(customer)), 200)).GetProperty("credentials").EnumerateArray());
    }

    /// <summary>The fingerprint is the parsed request: white space, escapes, an explicit null and the uuid's letter case do not count.</summary>
    [SkippableFact]
    public async Task An_idempotent_create_is_replayed_for_the_same_request_written_otherwise()
    {
        var customer = await CreateCustomerAsync();
        var key = Guid.NewGuid().ToString();
        var first = await ExpectAsync(Post(Credentials(customer), """{"username":"same@example.com"}""", key), 201);

        foreach (var (path, body) in new[]
        {
            (Credentials(customer), "{ \"username\" :\n  \"same@example.com\" }"),
            (Credentials(customer), """{"username":"same\u0040example.com"}"""),
            (Credentials(customer).Replace(customer.ToString(), customer.ToString().ToUpperInvariant(), StringComparison.Ordinal), """{"username":"same@example.com"}"""),
        })
        {
            var replay = await ExpectAsync(Post(path, body, key), 201);
            Assert.Equal(first.GetProperty("id").GetGuid(), replay.GetProperty("id").GetGuid());
        }

        var customerKey = Guid.NewGuid().ToString();
        var created = await ExpectAsync(Post($"/v4/orgs/{Org}/customers", "{}", customerKey), 201);
        var again = await ExpectAsync(Post($"/v4/orgs/{Org}/customers", """{"external_id":null}""", customerKey), 201);
        Assert.Equal(created.GetProperty("id").GetGuid(), again.GetProperty("id").GetGuid());
        Assert.Single((await ExpectAsync(Get(Credentials(customer)), 200)).GetProperty("credentials").EnumerateArray());
    }

    [SkippableFact]
    public async Task A_malformed_idempotency_key_answers_400_before_the_customer_is_looked_up() =>
        await ExpectErrorAsync(Post(Credentials(Guid.NewGuid()), """{"username":"k@example.com"}""", "two words"), 400, "INVALID_PARAMETER", "header.idempotency-key");

    [SkippableFact]
    public async Task A_customer_holds_at_most_25_credentials()
    {
        var customer = await CreateCustomerAsync();
        for (var i = 0; i < 25; i++)
        {
            await ExpectAsync(Post(Credentials(customer), $$"""{"username":"many-{{i}}-{{customer:N}}@example.com"}"""), 201);
        }

        await ExpectErrorAsync(Post(Credentials(customer), $$"""{"username":"one-more-{{customer:N}}@example.com"}"""), 409, "CREDENTIAL_LIMIT_REACHED", "path.customer_id");
    }

    /// <summary>The contract's promise for an unknown outcome: a create that got 504 may be sent again with its key, and there is one credential.</summary>
    [SkippableFact]
    public async Task A_create_the_repository_did_not_take_in_time_is_504_and_its_retry_with_the_key_creates_one()
    {
        var customer = await CreateCustomerAsync();
        var key = Guid.NewGuid().ToString();
        var body = $$"""{"username":"stalled-{{customer:N}}@example.com"}""";

        using (target.StallWrites())
        {
            await ExpectErrorAsync(Post(Credentials(customer), body, key), 504, "REPOSITORY_TIMEOUT", "server");
        }

        await ExpectAsync(Post(Credentials(customer), body, key), 201);
        Assert.Single((await ExpectAsync(Get(Credentials(customer)), 200)).GetProperty("credentials").EnumerateArray());
    }

    /// <summary>A rate the organization used up: 429 with Retry-After and the RateLimit fields; a wait longer than the call's time left is not waited for.</summary>
    [SkippableFact]
    public async Task A_write_past_the_organizations_rate_is_429_and_the_client_reports_it_at_once_with_its_wait()
    {
        using var limited = target.WithOneWritePerFiveSeconds();
        var client = limited.Client(o => o.TotalTimeout = TimeSpan.FromSeconds(3));
        var customer = await client.CreateCustomerAsync(Org);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var refused = await Assert.ThrowsAsync<CustomerCredentialsException>(() => client.CreateCredentialAsync(Org, customer.Id, "rated@example.com"));

        Assert.Equal((429, CustomerCredentialsErrorCodes.RateLimited, CustomerCredentialsFailureKind.RateLimited), (refused.Status, refused.ErrorCode, refused.Kind));
        Assert.True(refused.RetryAfter > TimeSpan.FromSeconds(3), $"Retry-After {refused.RetryAfter}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"The 429 reached the caller after {clock.Elapsed}, not at once.");
        Assert.Equal(("writes", 0), (refused.RateLimit?.Policy, refused.RateLimit?.Remaining));
        Assert.False(refused.OutcomeUnknown);
    }

    [SkippableFact]
    public async Task Unsupported_methods_and_media_types_are_refused()
    {
        var customer = await CreateCustomerAsync();

        using var put = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Put, Credentials(customer)));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, put.StatusCode);
        Assert.Equal(["GET", "POST"], put.Content.Headers.Allow.Order());

        var text = new HttpRequestMessage(HttpMethod.Post, Credentials(customer)) { Content = new StringContent("""{"username":"t@example.com"}""", Encoding.UTF8, "text/plain") };
        await ExpectErrorAsync(text, 415, "UNSUPPORTED_MEDIA_TYPE", "header.content-type");
    }

    [SkippableFact]
    public async Task An_erased_customer_is_gone_its_usernames_are_free_and_replayed_creates_make_nothing()
    {
        var (customerKey, credentialKey, username) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), $"erased.{Guid.NewGuid():N}@example.com");
        var customer = (await ExpectAsync(Post($"/v4/orgs/{Org}/customers", """{"external_id":"CRM-erase"}""", customerKey), 201)).GetProperty("id").GetGuid();
        var credentialBody = JsonSerializer.Serialize(new { username });
        await ExpectAsync(Post(Credentials(customer), credentialBody, credentialKey), 201);

        await ExpectAsync(new HttpRequestMessage(HttpMethod.Delete, Customer(customer)), 204);

        await ExpectErrorAsync(new HttpRequestMessage(HttpMethod.Delete, Customer(customer)), 404, "CUSTOMER_NOT_FOUND", "path.customer_id");
        await ExpectErrorAsync(Get(Credentials(customer)), 404, "CUSTOMER_NOT_FOUND", "path.customer_id");
        await ExpectErrorAsync(Post(Credentials(customer), credentialBody, credentialKey), 404, "CUSTOMER_NOT_FOUND", "path.customer_id");
        var replayed = await ExpectAsync(Post($"/v4/orgs/{Org}/customers", """{"external_id":"CRM-erase"}""", customerKey), 201);
        Assert.Equal(customer, replayed.GetProperty("id").GetGuid());
        await ExpectErrorAsync(Get(Customer(customer)), 404, "CUSTOMER_NOT_FOUND", "path.customer_id");
        await ExpectAsync(Post(Credentials(await CreateCustomerAsync()), JsonSerializer.Serialize(new { username = username.ToUpperInvariant() })), 201);
    }

    [SkippableFact]
    public async Task Every_change_leaves_one_audit_event_and_the_client_pages_through_them_in_order()
    {
        var client = target.Client();
        var org = $"audit-{Guid.NewGuid():N}";
        var customer = await client.CreateCustomerAsync(org);
        var credential = await client.CreateCredentialAsync(org, customer.Id, $"audited.{Guid.NewGuid():N}@example.com");
        await client.DeleteCredentialAsync(org, customer.Id, credential.Id);
        await client.EraseCustomerAsync(org, customer.Id);

        var events = new List<Customers.Client.Models.AuditEvent>();
        await foreach (var auditEvent in client.ListAuditEventsAsync(org))
        {
            events.Add(auditEvent);
        }

        var firstPage = (await client.ListAuditEventsWithResponseAsync(org, limit: 3)).Value;
        var lastPage = (await client.ListAuditEventsWithResponseAsync(org, after: firstPage.Next)).Value;
        var verification = await client.VerifyAuditTrailAsync(org);

        Assert.Equal(["createCustomer", "createCredential", "deleteCredential", "eraseCustomer"], events.Select(e => e.Operation));
        Assert.Equal([1L, 2L, 3L, 4L], events.Select(e => e.Sequence));
        Assert.Equal([null, credential.Id, credential.Id, null], events.Select(e => e.CredentialId));
        Assert.All(events, e => Assert.Equal(customer.Id, e.CustomerId));
        Assert.All(events, e => Assert.Equal(["API_KEY"], e.Actor.Roles));
        Assert.Equal([1L, 2L, 3L], firstPage.Events.Select(e => e.Sequence));
        Assert.Equal([4L], lastPage.Events.Select(e => e.Sequence));
        Assert.Null(lastPage.Next);
        Assert.Equal((true, 4L, (long?)null), (verification.Verified, verification.EventsChecked, verification.FirstBroken));
    }

    [SkippableFact]
    public async Task The_gateway_s_caller_is_the_event_s_subject_and_a_malformed_one_is_refused()
    {
        var org = $"caller-{Guid.NewGuid():N}";
        var named = target.Http();
        named.DefaultRequestHeaders.Add("x-auth-caller", "user-42");
        var tooLong = target.Http();
        tooLong.DefaultRequestHeaders.Add("x-auth-caller", new string('u', 257));

        await ExpectAsync(Post($"/v4/orgs/{org}/customers", """{"external_id":"CRM-1"}"""), 201, named);
        await ExpectErrorAsync(Post($"/v4/orgs/{org}/customers", """{"external_id":"CRM-2"}"""), 400, "INVALID_PARAMETER", "header.x-auth-caller", tooLong);
        await ExpectAsync(Post($"/v4/orgs/{org}/customers", """{"external_id":"CRM-3"}"""), 201);
        var events = (await ExpectAsync(Get($"/v4/orgs/{org}/audit-events"), 200)).GetProperty("events").EnumerateArray().ToList();

        Assert.Equal(["user-42", null], events.Select(e => e.GetProperty("actor").GetProperty("subject").GetString()));
        Assert.All(events, e => Assert.Equal(JsonValueKind.Null, e.GetProperty("actor").GetProperty("client").ValueKind));
    }

    [SkippableFact]
    public async Task The_client_package_works_against_it()
    {
        var client = target.Client();
        var customer = await client.CreateCustomerAsync(Org, "CRM-42");
        var credential = await client.CreateCredentialAsync(Org, customer.Id, "carol@example.com");

        var taken = await Assert.ThrowsAsync<CustomerCredentialsException>(() => client.CreateCredentialAsync(Org, customer.Id, "CAROL@example.com"));
        await client.DeleteCredentialAsync(Org, customer.Id, credential.Id);

        Assert.Equal((409, "USERNAME_TAKEN"), (taken.Status, taken.ErrorCode));
        Assert.Equal("CRM-42", (await client.GetCustomerAsync(Org, customer.Id)).ExternalId);
        Assert.Empty(await client.ListCredentialsAsync(Org, customer.Id));
        await client.EraseCustomerAsync(Org, customer.Id);
        var erased = await Assert.ThrowsAsync<CustomerCredentialsException>(() => client.GetCustomerAsync(Org, customer.Id));
        Assert.Equal((404, "CUSTOMER_NOT_FOUND"), (erased.Status, erased.ErrorCode));
    }

    public static TheoryData<string> ContractOperations => new(Customers.ContractChecks.OpenApiContract.Default.Operations.Select(o => o.OperationId));

    /// <summary>A new operation in the contract fails here until the fake's state machine serves it too (routes come from the contract).</summary>
    [SkippableTheory]
    [MemberData(nameof(ContractOperations))]
    public async Task Every_operation_of_the_contract_is_served(string operationId)
    {
        var customer = await CreateCustomerAsync();
        using var request = Customers.ContractChecks.OpenApiContract.Default.Operation(operationId).CreateRequest(new Dictionary<string, string>
        {
            ["org_id"] = Org,
            ["customer_id"] = customer.ToString(),
            ["credential_id"] = Guid.NewGuid().ToString(),
        });

        using var response = await Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode != HttpStatusCode.MethodNotAllowed && !body.Contains("RESOURCE_NOT_FOUND", StringComparison.Ordinal),
            $"{operationId} is not served: {(int)response.StatusCode} {body}");
    }

    private static string Credentials(Guid customer, string org = Org) => $"/v4/orgs/{org}/customers/{customer}/credentials";

    private static string Customer(Guid customer, string org = Org) => $"/v4/orgs/{org}/customers/{customer}";

    private static HttpRequestMessage Get(string path) => new(HttpMethod.Get, path);

    private static HttpRequestMessage Post(string path, string body, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return request;
    }

    private async Task<Guid> CreateCustomerAsync(string org = Org) =>
        (await ExpectAsync(Post($"/v4/orgs/{org}/customers", """{"external_id":"CRM-1"}"""), 201)).GetProperty("id").GetGuid();

    private async Task<JsonElement> ExpectAsync(HttpRequestMessage request, int status, HttpClient? http = null)
    {
        using (request)
        {
            using var response = await (http ?? Http).SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(status == (int)response.StatusCode, $"{request.Method} {request.RequestUri}: expected {status}, got {(int)response.StatusCode} {text}");
            return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        }
    }

    private async Task ExpectErrorAsync(HttpRequestMessage request, int status, string code, string reference, HttpClient? http = null)
    {
        var error = (await ExpectAsync(request, status, http)).GetProperty("errors")[0].GetProperty("error");
        Assert.Equal((code, reference), (error.GetProperty("code").GetString(), error.GetProperty("ref").GetString()));
    }
}

public sealed class TheFake(FakeTarget target) : Scenarios<FakeTarget>(target);

public sealed class TheRealService(RealTarget target) : Scenarios<RealTarget>(target);

/// <summary>The Native AOT executable, as the Dockerfile deploys it (docs/native-aot.md).</summary>
[Trait("Tier", "Slow")]
[Trait("Needs", "NativeAot")]
public sealed class TheNativeService(NativeTarget target) : Scenarios<NativeTarget>(target);

/// <summary>The restore procedure of docs/data-lifecycle.md: the service started on a copy of a backup it took.</summary>
public sealed class TheRestoredService : Scenarios<RestoredTarget>
{
    private readonly RestoredTarget _restored;

    public TheRestoredService(RestoredTarget target)
        : base(target) => _restored = target;

    [SkippableFact]
    public async Task What_was_written_before_the_backup_is_there()
    {
        var client = _restored.Client();

        var credentials = await client.ListCredentialsAsync("telco", _restored.CustomerWrittenBeforeTheBackup);

        Assert.Equal([RestoredTarget.UsernameWrittenBeforeTheBackup], credentials.Select(c => c.Username));
    }
}
