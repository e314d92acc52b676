using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Customers.Client.Tests;

/// <summary>Per-call options (Idempotency-Key, timeout, headers) and the responses' metadata.</summary>
public sealed class PerCallTests : IDisposable
{
    private readonly FakeService _fake = new();

    [Fact]
    public async Task A_callers_idempotency_key_is_sent_on_every_attempt_and_returned()
    {
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingPost()).InScenario("key").WillSetStateTo("failed")
            .RespondWith(Response.Create().WithStatusCode(503).WithBody(Responses.Error("REPOSITORY_UNAVAILABLE")));
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingPost()).InScenario("key").WhenStateIs("failed")
            .RespondWith(Created());

        var response = await _fake.Client().CreateCredentialWithResponseAsync(FakeService.Org, FakeService.CustomerId, "username@masmovil.com",
            new CustomerCredentialsRequestOptions { IdempotencyKey = "message-42" });

        Assert.Equal(["message-42", "message-42"], _fake.Requests("POST").Select(r => r.RequestMessage!.Headers!["Idempotency-Key"].Single()));
        Assert.Equal((201, "message-42", "4bf92f3577b34da6a3ce929d0e0e4736"), (response.Status, response.IdempotencyKey, response.TraceId));
        Assert.Equal(FakeService.CredentialId, response.Value.Id);
    }

    [Fact]
    public async Task The_generated_key_is_the_one_sent_and_can_be_read_to_retry_with_it()
    {
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingPost()).RespondWith(Created());

        var response = await _fake.Client().CreateCredentialWithResponseAsync(FakeService.Org, FakeService.CustomerId, "username@masmovil.com");

        Assert.Equal(_fake.Requests("POST").Single().RequestMessage!.Headers!["Idempotency-Key"].Single(), response.IdempotencyKey);
    }

    [Theory]
    [InlineData("")]
    [InlineData("two words")]
    [InlineData("é")]
    public async Task A_key_the_contract_refuses_is_refused_before_anything_is_sent(string key)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _fake.Client().CreateCredentialAsync(FakeService.Org, FakeService.CustomerId, "username@masmovil.com",
            new CustomerCredentialsRequestOptions { IdempotencyKey = key }));

        Assert.Empty(_fake.Requests("POST"));
    }

    [Fact]
    public async Task A_call_timeout_shorter_than_the_clients_ends_the_call_as_a_timeout()
    {
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(Responses.CredentialList).WithDelay(TimeSpan.FromSeconds(5)));

        var failure = await Assert.ThrowsAsync<CustomerCredentialsException>(() => _fake.Client().ListCredentialsAsync(FakeService.Org, FakeService.CustomerId,
            new CustomerCredentialsRequestOptions { Timeout = TimeSpan.FromMilliseconds(200) }));

        Assert.Equal((CustomerCredentialsFailureKind.Timeout, 0), (failure.Kind, failure.Status));
    }

    [Fact]
    public async Task Extra_headers_are_sent_but_never_replace_the_clients_own()
    {
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(Responses.CredentialList));
        var options = new CustomerCredentialsRequestOptions();
        options.Headers["X-Correlation-Id"] = "order-7";
        options.Headers["x-auth-roles"] = "EVERYTHING";

        await _fake.Client(o => o.Roles = "READER").ListCredentialsAsync(FakeService.Org, FakeService.CustomerId, options);
        await _fake.Client(o => o.Roles = "READER").ListCredentialsAsync(FakeService.Org, FakeService.CustomerId);

        var (first, second) = (_fake.Requests("GET")[0].RequestMessage!.Headers!, _fake.Requests("GET")[1].RequestMessage!.Headers!);
        Assert.Equal(("order-7", "READER"), (first["X-Correlation-Id"].Single(), first["x-auth-roles"].Single()));
        Assert.False(second.ContainsKey("X-Correlation-Id"));
    }

    [Fact]
    public async Task A_delete_reports_its_status_and_trace_id()
    {
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialPath).UsingDelete())
            .RespondWith(Response.Create().WithStatusCode(204).WithHeader("x-trace-id", "0af7651916cd43dd8448eb211c80319c"));

        var response = await _fake.Client().DeleteCredentialWithResponseAsync(FakeService.Org, FakeService.CustomerId, FakeService.CredentialId);

        Assert.Equal((204, "0af7651916cd43dd8448eb211c80319c"), (response.Status, response.TraceId));
    }

    private static IResponseBuilder Created() => Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json")
        .WithHeader("x-trace-id", "4bf92f3577b34da6a3ce929d0e0e4736").WithBody(Responses.CredentialCreated);

    public void Dispose() => _fake.Dispose();
}
