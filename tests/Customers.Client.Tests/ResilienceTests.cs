using System.Diagnostics;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Customers.Client.Tests;

/// <summary>Each retry rule of the client, driven by a WireMock server.</summary>
public sealed class ResilienceTests : IDisposable
{
    private readonly FakeService _fake = new();

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    [InlineData(504)]
    [InlineData(408)]
    [InlineData(429)]
    public async Task A_get_is_retried_after_a_transient_status(int status)
    {
        FailOnceThen(Request.Create().WithPath(FakeService.CredentialsPath).UsingGet(), status, Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json").WithBody(Responses.CredentialList));

        var listed = await _fake.Client().ListCredentialsAsync(FakeService.Org, FakeService.CustomerId);

        Assert.Single(listed);
        Assert.Equal(2, _fake.Requests("GET").Count);
    }

    [Fact]
    public async Task A_get_is_not_retried_after_a_client_error()
    {
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(404).WithBody(Responses.Error("CUSTOMER_NOT_FOUND")));

        await Assert.ThrowsAsync<CustomerCredentialsException>(() => _fake.Client().ListCredentialsAsync(FakeService.Org, FakeService.CustomerId));

        Assert.Single(_fake.Requests("GET"));
    }

    [Fact]
    public async Task A_post_is_retried_with_the_same_idempotency_key()
    {
        FailOnceThen(Request.Create().WithPath(FakeService.CredentialsPath).UsingPost(), 503, Response.Create().WithStatusCode(201)
            .WithHeader("Content-Type", "application/json").WithBody(Responses.CredentialCreated));

        var created = await _fake.Client().CreateCredentialAsync(FakeService.Org, FakeService.CustomerId, "username@masmovil.com");

        Assert.Equal(FakeService.CredentialId, created.Id);
        var keys = _fake.Requests("POST").Select(r => r.RequestMessage!.Headers!["Idempotency-Key"].Single()).ToList();
        Assert.Equal(2, keys.Count);
        Assert.Single(keys.Distinct());
        Assert.All(_fake.Requests("POST"), r => Assert.Contains("\"username\":\"username@masmovil.com\"", r.RequestMessage!.Body));
    }

    [Fact]
    public async Task A_post_is_not_retried_after_a_conflict()
    {
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(409).WithBody(Responses.Error("USERNAME_TAKEN")));

        await Assert.ThrowsAsync<CustomerCredentialsException>(() => _fake.Client().CreateCredentialAsync(FakeService.Org, FakeService.CustomerId, "taken@example.com"));

        Assert.Single(_fake.Requests("POST"));
    }

    [Fact]
    public async Task A_retried_delete_that_finds_the_credential_gone_has_succeeded()
    {
        FailOnceThen(Request.Create().WithPath(FakeService.CredentialPath).UsingDelete(), 503, Response.Create().WithStatusCode(404)
            .WithHeader("Content-Type", "application/json").WithBody(Responses.Error("CREDENTIAL_NOT_FOUND", "path.credential_id")));

        await _fake.Client().DeleteCredentialAsync(FakeService.Org, FakeService.CustomerId, FakeService.CredentialId);

        Assert.Equal(2, _fake.Requests("DELETE").Count);
    }

    [Fact]
    public async Task A_retried_erase_that_finds_the_customer_gone_has_succeeded()
    {
        FailOnceThen(Request.Create().WithPath(FakeService.CustomerPath).UsingDelete(), 503, Response.Create().WithStatusCode(404)
            .WithHeader("Content-Type", "application/json").WithBody(Responses.Error("CUSTOMER_NOT_FOUND", "path.customer_id")));

        await _fake.Client().EraseCustomerAsync(FakeService.Org, FakeService.CustomerId);

        Assert.Equal(2, _fake.Requests("DELETE").Count);
    }

    [Fact]
    public async Task An_erase_that_finds_no_customer_on_its_first_attempt_fails()
    {
        _fake.Server.Given(Request.Create().WithPath(FakeService.CustomerPath).UsingDelete())
            .RespondWith(Response.Create().WithStatusCode(404).WithHeader("Content-Type", "application/json").WithBody(Responses.Error("CUSTOMER_NOT_FOUND", "path.customer_id")));

        var failure = await Assert.ThrowsAsync<CustomerCredentialsException>(() => _fake.Client().EraseCustomerAsync(FakeService.Org, FakeService.CustomerId));

        Assert.Equal((404, "CUSTOMER_NOT_FOUND"), (failure.Status, failure.ErrorCode));
    }

    [Fact]
    public async Task A_delete_that_finds_nothing_on_its_first_attempt_fails()
    {
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialPath).UsingDelete())
            .RespondWith(Response.Create().WithStatusCode(404).WithHeader("Content-Type", "application/json").WithBody(Responses.Error("CREDENTIAL_NOT_FOUND")));

        var failure = await Assert.ThrowsAsync<CustomerCredentialsException>(() =>
            _fake.Client().DeleteCredentialAsync(FakeService.Org, FakeService.CustomerId, FakeService.CredentialId));

        Assert.Equal("CREDENTIAL_NOT_FOUND", failure.ErrorCode);
    }

    [Fact]
    public async Task A_retried_delete_that_finds_no_customer_still_fails()
    {
        FailOnceThen(Request.Create().WithPath(FakeService.CredentialPath).UsingDelete(), 503, Response.Create().WithStatusCode(404)
            .WithHeader("Content-Type", "application/json").WithBody(Responses.Error("CUSTOMER_NOT_FOUND", "path.customer_id")));

        var failure = await Assert.ThrowsAsync<CustomerCredentialsException>(() =>
            _fake.Client().DeleteCredentialAsync(FakeService.Org, FakeService.CustomerId, FakeService.CredentialId));

        Assert.Equal("CUSTOMER_NOT_FOUND", failure.ErrorCode);
    }

    [Fact]
    public async Task Retry_after_is_honoured()
    {
        FailOnceThen(Request.Create().WithPath(FakeService.CredentialsPath).UsingGet(), 503, Response.Create().WithStatusCode(200)
            .WithHeader("Content-Type", "application/json").WithBody(Responses.CredentialList), retryAfterSeconds: 1);
        var clock = Stopwatch.StartNew();

        await _fake.Client().ListCredentialsAsync(FakeService.Org, FakeService.CustomerId);

        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.95), $"The retry came after {clock.Elapsed}, before the Retry-After of 1 s.");
        Assert.Equal(2, _fake.Requests("GET").Count);
    }

    [Fact]
    public async Task Retries_stop_after_max_retry_attempts()
    {
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(503).WithBody(Responses.Error("REPOSITORY_UNAVAILABLE")));

        var failure = await Assert.ThrowsAsync<CustomerCredentialsException>(() =>
            _fake.Client(o => o.MaxRetryAttempts = 2).ListCredentialsAsync(FakeService.Org, FakeService.CustomerId));

        Assert.Equal(503, failure.Status);
        Assert.Equal(3, _fake.Requests("GET").Count);
    }

    private void FailOnceThen(IRequestBuilder request, int status, IResponseBuilder then, int? retryAfterSeconds = null)
    {
        var failure = Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(Responses.Error("TRANSIENT"));
        if (retryAfterSeconds is { } seconds)
        {
            failure = failure.WithHeader("Retry-After", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        _fake.Server.Given(request).InScenario("fail-once").WillSetStateTo("failed").RespondWith(failure);
        _fake.Server.Given(request).InScenario("fail-once").WhenStateIs("failed").RespondWith(then);
    }

    public void Dispose() => _fake.Dispose();
}
