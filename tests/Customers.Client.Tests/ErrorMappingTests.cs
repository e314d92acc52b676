using Customers.Client.Models;
using Customers.ContractChecks;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Customers.Client.Tests;

/// <summary>Every documented error status becomes one CustomerCredentialsException with the status, the codes and the trace id.</summary>
public sealed class ErrorMappingTests : IDisposable
{
    private readonly FakeService _fake = new();

    /// <summary>Every code of the contract's error table, with its status.</summary>
    public static TheoryData<int, string> DocumentedErrors
    {
        get
        {
            var data = new TheoryData<int, string>();
            foreach (var (code, status) in OpenApiContract.Default.ErrorCodes)
            {
                data.Add(status, code);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(DocumentedErrors))]
    public async Task An_error_status_raises_the_exception_with_its_status_code_and_trace_id(int status, string code)
    {
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json")
                .WithHeader("x-trace-id", "4bf92f3577b34da6a3ce929d0e0e4736").WithBody(Responses.Error(code, "body.username")));
        var client = _fake.Client(o => o.MaxRetryAttempts = 0);

        var failure = await Assert.ThrowsAsync<CustomerCredentialsException>(() =>
            client.CreateCredentialAsync(FakeService.Org, FakeService.CustomerId, "username@masmovil.com"));

        Assert.Equal(status, failure.Status);
        Assert.Equal(code, failure.ErrorCode);
        Assert.Equal($"Message of {code}.", failure.ErrorMessage);
        Assert.Equal("body.username", Assert.Single(failure.Errors).Ref);
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", failure.TraceId);
        Assert.Contains(code, failure.Message);
    }

    [Fact]
    public async Task A_405_without_a_body_raises_the_exception_with_no_code()
    {
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialPath).UsingDelete())
            .RespondWith(Response.Create().WithStatusCode(405).WithHeader("Allow", "GET"));
        var client = _fake.Client(o => o.MaxRetryAttempts = 0);

        var failure = await Assert.ThrowsAsync<CustomerCredentialsException>(() =>
            client.DeleteCredentialAsync(FakeService.Org, FakeService.CustomerId, FakeService.CredentialId));

        Assert.Equal(405, failure.Status);
        Assert.Null(failure.ErrorCode);
        Assert.Empty(failure.Errors);
    }

    [Fact]
    public async Task All_errors_of_a_response_are_kept_in_order()
    {
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(400).WithHeader("Content-Type", "application/json").WithBody(
                """{"errors":[{"error":{"code":"UNKNOWN_FIELD","title":"t","ref":"body.x","message":"m1"}},{"error":{"code":"FIELD_TOO_LONG","title":"t","ref":"body.username","message":"m2"}}]}"""));
        var client = _fake.Client();

        var failure = await Assert.ThrowsAsync<CustomerCredentialsException>(() =>
            client.CreateCredentialAsync(FakeService.Org, FakeService.CustomerId, "username@masmovil.com"));

        Assert.Equal(["UNKNOWN_FIELD", "FIELD_TOO_LONG"], failure.Errors.Select(e => e.Code));
    }

    [Fact]
    public async Task An_error_body_that_is_not_an_error_response_still_gives_the_status()
    {
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(502).WithHeader("Content-Type", "text/html").WithBody("<html>Bad gateway</html>"));
        var client = _fake.Client(o => o.MaxRetryAttempts = 0);

        var failure = await Assert.ThrowsAsync<CustomerCredentialsException>(() => client.ListCredentialsAsync(FakeService.Org, FakeService.CustomerId));

        Assert.Equal(502, failure.Status);
        Assert.Null(failure.ErrorCode);
    }

    [Fact]
    public async Task A_success_whose_body_breaks_the_contract_raises_the_exception()
    {
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"credentials":[{"id":"not-a-uuid"}]}"""));
        var client = _fake.Client();

        var failure = await Assert.ThrowsAsync<CustomerCredentialsException>(() => client.ListCredentialsAsync(FakeService.Org, FakeService.CustomerId));

        Assert.Equal(200, failure.Status);
        Assert.Contains("does not match the contract", failure.Message);
    }

    [Fact]
    public async Task A_network_failure_has_status_0_and_keeps_its_cause()
    {
        var client = _fake.Client(o =>
        {
            o.BaseAddress = new Uri($"http://127.0.0.1:{FakeService.FreePort()}/");
            o.MaxRetryAttempts = 0;
        });

        var failure = await Assert.ThrowsAsync<CustomerCredentialsException>(() => client.ListCredentialsAsync(FakeService.Org, FakeService.CustomerId));

        Assert.Equal(0, failure.Status);
        Assert.IsType<HttpRequestException>(failure.InnerException);
    }

    [Fact]
    public async Task A_timeout_has_status_0_and_keeps_its_cause()
    {
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(3)).WithBody(Responses.CredentialList));
        var client = _fake.Client(o =>
        {
            o.AttemptTimeout = TimeSpan.FromMilliseconds(300);
            o.TotalTimeout = TimeSpan.FromSeconds(1);
            o.MaxRetryAttempts = 0;
        });

        var failure = await Assert.ThrowsAsync<CustomerCredentialsException>(() => client.ListCredentialsAsync(FakeService.Org, FakeService.CustomerId));

        Assert.Equal(0, failure.Status);
        Assert.NotNull(failure.InnerException);
    }

    [Fact]
    public async Task Cancellation_by_the_caller_is_not_wrapped()
    {
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(3)).WithBody(Responses.CredentialList));
        var client = _fake.Client();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.ListCredentialsAsync(FakeService.Org, FakeService.CustomerId, cancellationToken: cancel.Token));
    }

    [Fact]
    public async Task Successes_are_read_into_the_generated_models()
    {
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(Responses.CredentialList));
        var client = _fake.Client();

        var listed = await client.ListCredentialsAsync(FakeService.Org, FakeService.CustomerId);

        var only = Assert.Single(listed);
        Assert.Equal(FakeService.CredentialId, only.Id);
        Assert.Equal(new DateTimeOffset(2026, 11, 28, 9, 30, 0, TimeSpan.Zero), only.CreatedAt);
    }

    public void Dispose() => _fake.Dispose();
}
