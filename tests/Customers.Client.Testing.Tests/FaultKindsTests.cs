using System.Diagnostics;

namespace Customers.Client.Testing.Tests;

/// <summary>Each failure a team needs to test against, as the client sees it when the fake produces it over HTTP.</summary>
public sealed class FaultKindsTests : IDisposable
{
    private readonly FakeCustomersService _fake = FakeCustomersService.Start();

    [Fact]
    public async Task Applied_but_lost_creates_then_drops_and_a_resend_with_the_key_gets_the_first_answer()
    {
        var customer = _fake.AddCustomer("telco");
        _fake.InjectFault("createCredential", FakeFault.AppliedButLost());
        var client = _fake.CreateClient(configure: o => o.MaxRetryAttempts = 0);

        var lost = await Assert.ThrowsAsync<CustomerCredentialsException>(() => client.CreateCredentialAsync("telco", customer, "lost@example.com"));
        var applied = Assert.Single(await client.ListCredentialsAsync("telco", customer));
        var resent = await client.CreateCredentialAsync("telco", customer, "lost@example.com", new() { IdempotencyKey = lost.IdempotencyKey });

        Assert.Equal((CustomerCredentialsFailureKind.Network, true), (lost.Kind, lost.OutcomeUnknown));
        Assert.Equal(applied.Id, resent.Id);
        Assert.Single(await client.ListCredentialsAsync("telco", customer));
    }

    [Fact]
    public async Task Rate_limited_answers_429_with_retry_after_and_the_rate_limit_fields()
    {
        var customer = _fake.AddCustomer("telco");
        _fake.InjectFault("createCredential", FakeFault.RateLimited(TimeSpan.FromSeconds(30)));
        var client = _fake.CreateClient();

        var limited = await Assert.ThrowsAsync<CustomerCredentialsException>(() => client.CreateCredentialAsync("telco", customer, "busy@example.com"));

        Assert.Equal((429, CustomerCredentialsErrorCodes.RateLimited, CustomerCredentialsFailureKind.RateLimited), (limited.Status, limited.ErrorCode, limited.Kind));
        Assert.Equal(TimeSpan.FromSeconds(30), limited.RetryAfter);
        Assert.Equal(("writes", 0), (limited.RateLimit!.Policy, limited.RateLimit.Remaining));
        Assert.Empty(await client.ListCredentialsAsync("telco", customer));
    }

    [Fact]
    public async Task A_short_retry_after_is_waited_for_and_the_received_requests_show_the_wait()
    {
        var customer = _fake.AddCustomer("telco");
        _fake.InjectFault("listCredentials", FakeFault.Overloaded(TimeSpan.FromSeconds(1)));
        var client = _fake.CreateClient();

        await client.ListCredentialsAsync("telco", customer);

        var attempts = _fake.ReceivedRequests.Where(r => r.OperationId == "listCredentials").ToList();
        Assert.Equal([503, 200], attempts.Select(r => r.Status));
        Assert.True(attempts[1].ReceivedAt - attempts[0].AnsweredAt >= TimeSpan.FromSeconds(0.9),
            $"The retry came {attempts[1].ReceivedAt - attempts[0].AnsweredAt} after the 503, before its Retry-After of 1 s.");
    }

    [Theory]
    [InlineData("internal", 500, "INTERNAL_ERROR")]
    [InlineData("unauthorized", 401, "INVALID_TOKEN")]
    [InlineData("forbidden", 403, "ROLE_NOT_PERMITTED")]
    public async Task Status_faults_answer_their_status_and_code_and_change_nothing(string fault, int status, string code)
    {
        var customer = _fake.AddCustomer("telco");
        _fake.InjectFault("createCredential", (fault switch
        {
            "internal" => FakeFault.InternalError(),
            "unauthorized" => FakeFault.Unauthorized(),
            _ => FakeFault.Forbidden(),
        }).Times(10));
        var client = _fake.CreateClient(configure: o => o.MaxRetryAttempts = 0);

        var failure = await Assert.ThrowsAsync<CustomerCredentialsException>(() => client.CreateCredentialAsync("telco", customer, "never@example.com"));

        Assert.Equal((status, code), (failure.Status, failure.ErrorCode));
        Assert.Empty(await client.ListCredentialsAsync("telco", customer));
    }

    [Fact]
    public async Task A_malformed_success_body_is_a_contract_violation_naming_the_field()
    {
        var customer = _fake.AddCustomer("telco");
        _fake.AddCredential("telco", customer, "seeded@example.com");
        _fake.InjectFault("listCredentials", FakeFault.MalformedBody());
        var client = _fake.CreateClient();

        var broken = await Assert.ThrowsAsync<CustomerCredentialsException>(() => client.ListCredentialsAsync("telco", customer));

        Assert.Equal(CustomerCredentialsFailureKind.ContractViolation, broken.Kind);
        Assert.Contains("$.credentials[0].id is null", broken.Message);
    }

    [Fact]
    public async Task Latency_blocks_no_thread_so_concurrent_slow_calls_wait_together()
    {
        var customer = _fake.AddCustomer("telco");
        _fake.InjectFault("listCredentials", FakeFault.Latency(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1.2)));
        var client = _fake.CreateClient();
        var clock = Stopwatch.StartNew();

        // More calls than the thread pool starts with: a fake that slept on a thread per call would serve them a few at a time.
        await Task.WhenAll(Enumerable.Range(0, Environment.ProcessorCount * 8).Select(_ => client.ListCredentialsAsync("telco", customer)));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"{Environment.ProcessorCount * 8} calls of about 1 s took {clock.Elapsed} in all.");
        Assert.All(_fake.ReceivedRequests, r => Assert.InRange(r.AnsweredAt - r.ReceivedAt, TimeSpan.FromSeconds(0.95), TimeSpan.FromSeconds(3)));
    }

    public void Dispose() => _fake.Dispose();
}
