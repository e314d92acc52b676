using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Customers.Client.Tests;

/// <summary>The breaker and the concurrency limit are set through the client's options, and a team's handlers go per call or per attempt, by name.</summary>
public sealed class PipelineOptionsTests : IDisposable
{
    private readonly FakeService _fake = new();

    [Fact]
    public async Task With_the_default_breaker_a_service_failing_half_the_calls_opens_it()
    {
        var kinds = await KindsOfCalls(_fake.Client(o => o.MaxRetryAttempts = 0));

        Assert.Contains(CustomerCredentialsFailureKind.CircuitOpen, kinds);
    }

    [Fact]
    public async Task A_breaker_turned_off_sends_every_call()
    {
        var kinds = await KindsOfCalls(_fake.Client(o => (o.MaxRetryAttempts, o.CircuitBreaker.Enabled) = (0, false)));

        Assert.DoesNotContain(CustomerCredentialsFailureKind.CircuitOpen, kinds);
        Assert.Equal(kinds.Count, _fake.Requests("GET").Count);
    }

    [Fact]
    public async Task A_breaker_with_a_higher_failure_ratio_stays_closed_below_it()
    {
        var kinds = await KindsOfCalls(_fake.Client(o => (o.MaxRetryAttempts, o.CircuitBreaker.FailureRatio) = (0, 0.9)));

        Assert.DoesNotContain(CustomerCredentialsFailureKind.CircuitOpen, kinds);
    }

    [Fact]
    public async Task Calls_past_the_concurrency_limit_are_throttled_at_once()
    {
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromMilliseconds(500)).WithHeader("Content-Type", "application/json").WithBody(Responses.CredentialList));
        var client = _fake.Client(o => (o.MaxConcurrentCalls, o.MaxRetryAttempts) = (2, 0));

        var calls = Enumerable.Range(0, 4).Select(_ => client.ListCredentialsAsync(FakeService.Org, FakeService.CustomerId)).ToList();
        var outcomes = await Task.WhenAll(calls.Select(async c =>
        {
            try
            {
                await c;
                return (CustomerCredentialsFailureKind?)null;
            }
            catch (CustomerCredentialsException e)
            {
                return e.Kind;
            }
        }));

        Assert.Equal(2, outcomes.Count(o => o is null));
        Assert.Equal(2, outcomes.Count(o => o == CustomerCredentialsFailureKind.Throttled));
    }

    [Fact]
    public async Task A_per_call_handler_sees_a_call_once_and_a_per_attempt_handler_sees_each_retry()
    {
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingGet()).InScenario("retry").WillSetStateTo("failed")
            .RespondWith(Response.Create().WithStatusCode(503).WithHeader("Content-Type", "application/json").WithBody(Responses.Error("REPOSITORY_UNAVAILABLE")));
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingGet()).InScenario("retry").WhenStateIs("failed")
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(Responses.CredentialList));
        var (perCall, perAttempt) = (new Counting(), new Counting());
        var services = new ServiceCollection();
        services.AddCustomerCredentialsClient(o => (o.BaseAddress, o.RetryDelay) = (new Uri(_fake.Server.Url!), TimeSpan.FromMilliseconds(10)))
            .AddPerCallHandler(_ => perCall)
            .AddPerAttemptHandler(_ => perAttempt);
        using var provider = services.BuildServiceProvider();

        await provider.GetRequiredService<CustomerCredentialsClient>().ListCredentialsAsync(FakeService.Org, FakeService.CustomerId);

        Assert.Equal([200], perCall.Statuses);
        Assert.Equal([503, 200], perAttempt.Statuses);
    }

    [Fact]
    public void The_slots_refuse_a_builder_of_another_client()
    {
        var other = new ServiceCollection().AddHttpClient("mine");

        Assert.Throws<ArgumentException>(() => other.AddPerCallHandler(_ => new Counting()));
    }

    // 150 calls against a service failing every other one: past the breaker's minimum throughput and default ratio.
    private async Task<List<CustomerCredentialsFailureKind?>> KindsOfCalls(CustomerCredentialsClient client)
    {
        var answered = 0;
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingGet()).RespondWith(Response.Create().WithCallback(_ => new WireMock.ResponseMessage
        {
            StatusCode = Interlocked.Increment(ref answered) % 2 == 0 ? 200 : 503,
            Headers = new Dictionary<string, WireMock.Types.WireMockList<string>> { ["Content-Type"] = new("application/json") },
            BodyData = new WireMock.Util.BodyData
            {
                BodyAsString = answered % 2 == 0 ? Responses.CredentialList : Responses.Error("REPOSITORY_UNAVAILABLE"),
                DetectedBodyType = WireMock.Types.BodyType.String,
            },
        }));
        var kinds = new List<CustomerCredentialsFailureKind?>();
        for (var i = 0; i < 150; i++)
        {
            try
            {
                await client.ListCredentialsAsync(FakeService.Org, FakeService.CustomerId);
                kinds.Add(null);
            }
            catch (CustomerCredentialsException e)
            {
                kinds.Add(e.Kind);
            }
        }

        return kinds;
    }

    private sealed class Counting : DelegatingHandler
    {
        public List<int> Statuses { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            lock (Statuses)
            {
                Statuses.Add((int)response.StatusCode);
            }

            return response;
        }
    }

    public void Dispose() => _fake.Dispose();
}
