using System.Diagnostics;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Customers.Client.Tests;

/// <summary>
/// A 429 or 503 with Retry-After is waited for only when the wait fits what is left of the call;
/// otherwise the caller gets that answer at once, with its status, code and RetryAfter.
/// </summary>
public sealed class RetryAfterTests : IDisposable
{
    private readonly FakeService _fake = new();

    [Theory]
    [InlineData(503, "REPOSITORY_UNAVAILABLE")]
    [InlineData(503, "SERVICE_OVERLOADED")]
    [InlineData(429, "RATE_LIMITED")]
    public async Task A_retry_after_beyond_the_total_timeout_is_thrown_at_once_with_the_answer(int status, string code)
    {
        Answer(status, code, retryAfterSeconds: 60);
        var clock = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAsync<CustomerCredentialsException>(() =>
            _fake.Client(o => o.TotalTimeout = TimeSpan.FromSeconds(5)).ListCredentialsAsync(FakeService.Org, FakeService.CustomerId));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"The answer came after {clock.Elapsed}, at the total timeout instead of at once.");
        Assert.Equal((status, code, TimeSpan.FromSeconds(60)), (failure.Status, failure.ErrorCode, failure.RetryAfter));
        Assert.Single(_fake.Requests("GET"));
    }

    [Fact]
    public async Task A_retry_after_beyond_the_calls_own_timeout_is_thrown_at_once()
    {
        Answer(503, "SERVICE_OVERLOADED", retryAfterSeconds: 3);
        var clock = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAsync<CustomerCredentialsException>(() => _fake.Client().ListCredentialsAsync(FakeService.Org, FakeService.CustomerId,
            new CustomerCredentialsRequestOptions { Timeout = TimeSpan.FromSeconds(2) }));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"The answer came after {clock.Elapsed}, at the call's timeout instead of at once.");
        Assert.Equal((503, TimeSpan.FromSeconds(3)), (failure.Status, failure.RetryAfter));
    }

    [Fact]
    public async Task A_retry_after_within_the_budget_is_waited_for_and_the_call_succeeds()
    {
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingGet()).InScenario("limited").WillSetStateTo("waited")
            .RespondWith(Limited(1));
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingGet()).InScenario("limited").WhenStateIs("waited")
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(Responses.CredentialList));
        var clock = Stopwatch.StartNew();

        var credentials = await _fake.Client().ListCredentialsAsync(FakeService.Org, FakeService.CustomerId);

        Assert.Single(credentials);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.95), $"The retry came after {clock.Elapsed}, before the Retry-After of 1 s.");
        Assert.Equal(2, _fake.Requests("GET").Count);
    }

    [Fact]
    public async Task A_429_has_its_own_kind_and_its_rate_limit_fields_are_readable()
    {
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingPost()).RespondWith(Limited(7));

        var failure = await Assert.ThrowsAsync<CustomerCredentialsException>(() => _fake.Client(o => o.MaxRetryAttempts = 0)
            .CreateCredentialAsync(FakeService.Org, FakeService.CustomerId, "username@masmovil.com"));

        Assert.Equal(CustomerCredentialsFailureKind.RateLimited, failure.Kind);
        Assert.False(failure.OutcomeUnknown);
        var limit = Assert.IsType<CustomerCredentialsRateLimit>(failure.RateLimit);
        Assert.Equal(("writes", 400, TimeSpan.FromSeconds(2), 0, TimeSpan.FromSeconds(7)), (limit.Policy, limit.Quota, limit.Window, limit.Remaining, limit.Reset));
    }

    private IResponseBuilder Limited(int seconds) => Response.Create().WithStatusCode(429).WithHeader("Content-Type", "application/json")
        .WithHeader("Retry-After", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture))
        .WithHeader("RateLimit-Policy", "\"writes\";q=400;w=2").WithHeader("RateLimit", $"\"writes\";r=0;t={seconds}")
        .WithBody(Responses.Error("RATE_LIMITED", "path.org_id"));

    private void Answer(int status, string code, int retryAfterSeconds) =>
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json")
                .WithHeader("Retry-After", retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)).WithBody(Responses.Error(code)));

    public void Dispose() => _fake.Dispose();
}
