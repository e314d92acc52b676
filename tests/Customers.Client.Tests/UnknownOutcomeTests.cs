using System.Net;
using System.Net.Sockets;
using System.Text;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Customers.Client.Tests;

/// <summary>
/// A create whose outcome is unknown keeps the Idempotency-Key it sent on the exception, so the
/// caller can follow the contract's advice (send it again with the same key) in one line.
/// </summary>
public sealed class UnknownOutcomeTests : IDisposable
{
    private readonly FakeService _fake = new();

    [Theory]
    [InlineData(500, "INTERNAL_ERROR")]
    [InlineData(503, "REPOSITORY_UNAVAILABLE")]
    [InlineData(504, "REPOSITORY_TIMEOUT")]
    public async Task A_create_that_may_have_been_applied_carries_the_key_it_sent(int status, string code)
    {
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(Responses.Error(code)));

        var failure = await CreateFails(_fake.Client(o => o.MaxRetryAttempts = 0));

        Assert.True(failure.OutcomeUnknown);
        Assert.Equal(SentKeys().Single(), failure.IdempotencyKey);
    }

    [Fact]
    public async Task A_connection_lost_after_sending_leaves_the_outcome_unknown()
    {
        // A server that reads the whole request, then closes the connection without a word: the
        // request arrived (and could have been applied), its answer never comes.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var received = Task.Run(async () =>
        {
            using var connection = await listener.AcceptTcpClientAsync();
            var buffer = new byte[16 * 1024];
            var read = await connection.GetStream().ReadAsync(buffer);
            return Encoding.ASCII.GetString(buffer, 0, read);
        });
        var client = _fake.Client(o => (o.BaseAddress, o.MaxRetryAttempts) = (new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/"), 0));

        var failure = await CreateFails(client);

        Assert.Equal((CustomerCredentialsFailureKind.Network, true), (failure.Kind, failure.OutcomeUnknown));
        Assert.Contains($"Idempotency-Key: {failure.IdempotencyKey}", await received);
    }

    [Fact]
    public async Task A_create_past_its_own_timeout_leaves_the_outcome_unknown()
    {
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithDelay(TimeSpan.FromSeconds(3)).WithBody(Responses.CredentialCreated));

        var failure = await CreateFails(_fake.Client(), new CustomerCredentialsRequestOptions { Timeout = TimeSpan.FromMilliseconds(300) });

        Assert.Equal((CustomerCredentialsFailureKind.Timeout, true), (failure.Kind, failure.OutcomeUnknown));
        await WaitUntil(() => SentKeys().Count > 0); // WireMock logs a request once it has answered it.
        Assert.Equal(SentKeys().Single(), failure.IdempotencyKey);
    }

    [Fact]
    public async Task A_create_that_never_reached_the_service_is_not_unknown()
    {
        using var unreachable = new FakeService();
        unreachable.Dispose(); // Nothing listens on its port: the connection is refused.
        var client = _fake.Client(o => (o.BaseAddress, o.MaxRetryAttempts) = (new Uri(unreachable.Server.Url!), 0));

        var failure = await CreateFails(client);

        Assert.Equal((CustomerCredentialsFailureKind.Network, false), (failure.Kind, failure.OutcomeUnknown));
        Assert.NotNull(failure.IdempotencyKey);
    }

    [Theory]
    [InlineData(409, "USERNAME_TAKEN")]
    [InlineData(503, "SERVICE_OVERLOADED")]
    [InlineData(429, "RATE_LIMITED")]
    public async Task A_refusal_keeps_the_key_but_is_not_unknown(int status, string code)
    {
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(Responses.Error(code)));

        var failure = await CreateFails(_fake.Client(o => o.MaxRetryAttempts = 0));

        Assert.False(failure.OutcomeUnknown);
        Assert.Equal(SentKeys().Single(), failure.IdempotencyKey);
    }

    [Fact]
    public async Task The_key_on_the_exception_resends_the_same_create_in_one_line()
    {
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingPost()).InScenario("lost").WillSetStateTo("answered")
            .RespondWith(Response.Create().WithStatusCode(504).WithHeader("Content-Type", "application/json").WithBody(Responses.Error("REPOSITORY_TIMEOUT")));
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingPost()).InScenario("lost").WhenStateIs("answered")
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json").WithBody(Responses.CredentialCreated));
        var client = _fake.Client(o => o.MaxRetryAttempts = 0);
        var failure = await CreateFails(client);

        var created = await client.CreateCredentialAsync(FakeService.Org, FakeService.CustomerId, "username@masmovil.com", new() { IdempotencyKey = failure.IdempotencyKey });

        Assert.Equal(FakeService.CredentialId, created.Id);
        Assert.Equal(2, SentKeys().Count);
        Assert.Single(SentKeys().Distinct());
    }

    [Fact]
    public async Task A_read_carries_no_key()
    {
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(503).WithHeader("Content-Type", "application/json").WithBody(Responses.Error("REPOSITORY_UNAVAILABLE")));

        var failure = await Assert.ThrowsAsync<CustomerCredentialsException>(() =>
            _fake.Client(o => o.MaxRetryAttempts = 0).ListCredentialsAsync(FakeService.Org, FakeService.CustomerId));

        Assert.Equal((null, false), (failure.IdempotencyKey, failure.OutcomeUnknown));
    }

    private static Task<CustomerCredentialsException> CreateFails(CustomerCredentialsClient client, CustomerCredentialsRequestOptions? options = null) =>
        Assert.ThrowsAsync<CustomerCredentialsException>(() => client.CreateCredentialAsync(FakeService.Org, FakeService.CustomerId, "username@masmovil.com", options));

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(100);
        }
    }

    private List<string> SentKeys() => _fake.Requests("POST").Select(r => r.RequestMessage!.Headers!["Idempotency-Key"].Single()).ToList();

    public void Dispose() => _fake.Dispose();
}
