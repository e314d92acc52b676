using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Customers.Client.Tests;

public sealed class DiagnosticsTests : IDisposable
{
    private readonly FakeService _fake = new();

    private static ActivityListener ListenToClientActivities(ConcurrentBag<Activity> stopped)
    {
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ClientDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Add,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    [Fact]
    public async Task Each_call_is_an_activity_whose_trace_reaches_the_service_as_traceparent()
    {
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(Responses.CredentialList));
        var activities = new ConcurrentBag<Activity>();
        using var listener = ListenToClientActivities(activities);
        using var test = new Activity("test").Start();

        await _fake.Client().ListCredentialsAsync(FakeService.Org, FakeService.CustomerId);

        var activity = Assert.Single(activities, a => a.TraceId == test.TraceId && a.GetTagItem("customers.operation") as string == "listCredentials");
        Assert.Equal(FakeService.Org, activity.GetTagItem("customers.org_id"));
        var traceparent = Assert.Single(_fake.Requests("GET")).RequestMessage!.Headers!["traceparent"].Single();
        Assert.Contains(activity.TraceId.ToString(), traceparent);
    }

    [Fact]
    public async Task A_failed_call_marks_its_activity_with_the_status_and_code()
    {
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(409).WithHeader("Content-Type", "application/json").WithBody(Responses.Error("USERNAME_TAKEN")));
        var activities = new ConcurrentBag<Activity>();
        using var listener = ListenToClientActivities(activities);
        // Other test classes call the client in parallel; this test's activities share this trace.
        using var test = new Activity("test").Start();

        await Assert.ThrowsAsync<CustomerCredentialsException>(() => _fake.Client().CreateCredentialAsync(FakeService.Org, FakeService.CustomerId, "x@example.com"));

        var activity = Assert.Single(activities, a => a.TraceId == test.TraceId && a.GetTagItem("customers.operation") as string == "createCredential");
        Assert.Equal(ActivityStatusCode.Error, activity.Status);
        Assert.Equal("USERNAME_TAKEN", activity.GetTagItem("customers.error_code"));
        Assert.DoesNotContain(activity.TagObjects, tag => tag.Value?.ToString()?.Contains("x@example.com") == true);
    }

    [Fact]
    public async Task Logs_at_every_level_carry_neither_the_roles_nor_the_username()
    {
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(503).WithHeader("Content-Type", "application/json").WithBody(Responses.Error("REPOSITORY_UNAVAILABLE")));
        var logs = new CapturingLoggerProvider();
        var client = _fake.Client(o =>
        {
            o.Roles = "SECRET_ROLE_7f3a";
            o.MaxRetryAttempts = 1;
        }, logs);

        await Assert.ThrowsAsync<CustomerCredentialsException>(() => client.CreateCredentialAsync(FakeService.Org, FakeService.CustomerId, "private.person@example.com"));

        Assert.NotEmpty(logs.Messages); // The client did log: headers, URIs, retries.
        Assert.Contains(_fake.Requests("POST"), r => r.RequestMessage!.Headers!["x-auth-roles"].Single() == "SECRET_ROLE_7f3a");
        Assert.DoesNotContain(logs.Messages, m => m.Contains("SECRET_ROLE_7f3a", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Messages, m => m.Contains("private.person", StringComparison.Ordinal));
    }

    public void Dispose() => _fake.Dispose();

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLoggerProvider provider) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                provider.Messages.Enqueue(formatter(state, exception));
                if (state is IEnumerable<KeyValuePair<string, object?>> values)
                {
                    foreach (var (key, value) in values)
                    {
                        provider.Messages.Enqueue($"{key}={value}");
                    }
                }

                if (exception is not null)
                {
                    provider.Messages.Enqueue(exception.ToString());
                }
            }
        }
    }
}
