using System.Diagnostics.Metrics;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Customers.Client.Tests;

/// <summary>What operating a client needs: failures told apart, options checked at start, a User-Agent, metrics, one pipeline.</summary>
public sealed class OperabilityTests : IDisposable
{
    private readonly FakeService _fake = new();

    [Fact]
    public async Task Failures_say_where_they_happened()
    {
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(404).WithBody(Responses.Error("CUSTOMER_NOT_FOUND", "path.customer_id")));
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json").WithBody("""{"id":"not-a-uuid"}"""));

        var answered = await Assert.ThrowsAsync<CustomerCredentialsException>(() => _fake.Client().ListCredentialsAsync(FakeService.Org, FakeService.CustomerId));
        var broken = await Assert.ThrowsAsync<CustomerCredentialsException>(() => _fake.Client().CreateCredentialAsync(FakeService.Org, FakeService.CustomerId, "a@example.com"));
        var unreachable = await Assert.ThrowsAsync<CustomerCredentialsException>(() => Unreachable().ListCredentialsAsync(FakeService.Org, FakeService.CustomerId));

        Assert.Equal((CustomerCredentialsFailureKind.ServiceAnswered, 404), (answered.Kind, answered.Status));
        Assert.Equal(CustomerCredentialsFailureKind.ContractViolation, broken.Kind);
        Assert.Equal((CustomerCredentialsFailureKind.Network, 0), (unreachable.Kind, unreachable.Status));
    }

    public static TheoryData<Exception, CustomerCredentialsFailureKind> PipelineFailures => new()
    {
        { new TimeoutRejectedException(), CustomerCredentialsFailureKind.Timeout },
        { new BrokenCircuitException(), CustomerCredentialsFailureKind.CircuitOpen },
        { new RateLimiterRejectedException(), CustomerCredentialsFailureKind.Throttled },
        { new HttpRequestException("reset", new SocketException((int)SocketError.ConnectionReset)), CustomerCredentialsFailureKind.Network },
    };

    [Theory]
    [MemberData(nameof(PipelineFailures))]
    public void Each_failure_of_the_pipeline_has_its_kind(Exception failure, CustomerCredentialsFailureKind kind) =>
        Assert.Equal(kind, ResponseReader.KindOf(failure));

    [Fact]
    public async Task Every_request_says_which_client_version_sends_it()
    {
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(Responses.CredentialList));

        await _fake.Client().ListCredentialsAsync(FakeService.Org, FakeService.CustomerId);

        var version = typeof(CustomerCredentialsClient).Assembly.GetName().Version!;
        Assert.Matches($@"^Customers\.Client/{version.Major}\.{version.Minor}\.{version.Build}", _fake.Requests("GET").Single().RequestMessage!.Headers!["User-Agent"].Single());
    }

    [Fact]
    public async Task A_host_with_invalid_client_options_does_not_start()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddCustomerCredentialsClient(options => options.BaseAddress = null);
        using var host = builder.Build();

        var invalid = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains(invalid is AggregateException all ? all.InnerExceptions : [invalid], e => e is OptionsValidationException && e.Message.Contains("BaseAddress must be an absolute URI", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Each_call_is_measured_per_operation_with_the_error_type_of_a_failure()
    {
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(404).WithBody(Responses.Error("CUSTOMER_NOT_FOUND", "path.customer_id")));
        var measured = new List<(string Operation, string? ErrorType)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ClientDiagnostics.MeterName && instrument.Name == "customers.client.operation.duration")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            var all = tags.ToArray().ToDictionary(t => t.Key, t => t.Value?.ToString());
            lock (measured)
            {
                measured.Add((all["customers.operation"]!, all.GetValueOrDefault("error.type")));
            }
        });
        listener.Start();

        await Assert.ThrowsAsync<CustomerCredentialsException>(() => _fake.Client().ListCredentialsAsync(FakeService.Org, FakeService.CustomerId));

        Assert.Contains(("listCredentials", "CUSTOMER_NOT_FOUND"), measured);
    }

    [Fact]
    public async Task Under_a_default_resilience_handler_for_every_client_the_clients_pipeline_is_the_only_one()
    {
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(503).WithBody(Responses.Error("REPOSITORY_UNAVAILABLE")));
        var services = new ServiceCollection();
        services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler()); // as the Aspire service defaults do
        services.AddCustomerCredentialsClient(options =>
        {
            options.BaseAddress = new Uri(_fake.Server.Url!);
            options.MaxRetryAttempts = 2;
            options.RetryDelay = TimeSpan.FromMilliseconds(10);
        });
        await using var provider = services.BuildServiceProvider();

        var failure = await Assert.ThrowsAsync<CustomerCredentialsException>(() => provider.GetRequiredService<CustomerCredentialsClient>().ListCredentialsAsync(FakeService.Org, FakeService.CustomerId));

        Assert.Equal(503, failure.Status);
        Assert.Equal(3, _fake.Requests("GET").Count); // 1 + 2 retries; two pipelines would send 9 or more.
    }

    /// <summary>The other two promises that a second pipeline breaks: the client's timeouts, and a retried DELETE that finds nothing left.</summary>
    [Fact]
    public async Task Under_a_default_resilience_handler_for_every_client_the_timeouts_and_the_delete_rule_are_the_clients()
    {
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(Responses.CredentialList)
                .WithDelay(TimeSpan.FromSeconds(11))); // over the default handler's 10 s attempt timeout, inside the client's
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialPath).UsingDelete()).InScenario("delete").WillSetStateTo("failed")
            .RespondWith(Response.Create().WithStatusCode(503).WithBody(Responses.Error("REPOSITORY_UNAVAILABLE")));
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialPath).UsingDelete()).InScenario("delete").WhenStateIs("failed")
            .RespondWith(Response.Create().WithStatusCode(404).WithHeader("Content-Type", "application/json").WithBody(Responses.Error("CREDENTIAL_NOT_FOUND", "path.credential_id")));
        var services = new ServiceCollection();
        services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler());
        services.AddCustomerCredentialsClient(options =>
        {
            options.BaseAddress = new Uri(_fake.Server.Url!);
            options.AttemptTimeout = TimeSpan.FromSeconds(15);
            options.TotalTimeout = TimeSpan.FromSeconds(20);
            options.RetryDelay = TimeSpan.FromMilliseconds(10);
        });
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<CustomerCredentialsClient>();

        var deleted = client.DeleteCredentialAsync(FakeService.Org, FakeService.CustomerId, FakeService.CredentialId);
        Assert.Single(await client.ListCredentialsAsync(FakeService.Org, FakeService.CustomerId));
        await deleted;

        Assert.Single(_fake.Requests("GET"));
        Assert.Equal(2, _fake.Requests("DELETE").Count);
    }

    private static CustomerCredentialsClient Unreachable()
    {
        var services = new ServiceCollection();
        services.AddCustomerCredentialsClient(options =>
        {
            options.BaseAddress = new Uri($"http://127.0.0.1:{FakeService.FreePort()}/");
            options.MaxRetryAttempts = 0;
        });
        return services.BuildServiceProvider().GetRequiredService<CustomerCredentialsClient>();
    }

    public void Dispose() => _fake.Dispose();
}
