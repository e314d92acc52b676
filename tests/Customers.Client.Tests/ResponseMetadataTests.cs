using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Customers.Client.Tests;

/// <summary>The headers of an answer are readable on a success and on a failure, and a failure keeps the body as received.</summary>
public sealed class ResponseMetadataTests : IDisposable
{
    private readonly FakeService _fake = new();

    [Fact]
    public async Task A_success_shows_its_headers()
    {
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithHeader("x-trace-id", "4bf92f3577b34da6a3ce929d0e0e4736")
                .WithHeader("X-Served-By", "instance-2").WithBody(Responses.CredentialList));

        var response = await _fake.Client().ListCredentialsWithResponseAsync(FakeService.Org, FakeService.CustomerId);

        Assert.Equal("instance-2", response.Headers["x-served-by"]);
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", response.Headers["X-Trace-Id"]);
        Assert.StartsWith("application/json", response.Headers["Content-Type"]);
    }

    [Fact]
    public async Task A_failure_shows_its_headers_and_raw_body()
    {
        const string body = """{"errors":[{"error":{"code":"CUSTOMER_NOT_FOUND","title":"Customer not found","ref":"path.customer_id","message":"No such customer.","hint":"a field this version does not read"}}]}""";
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(404).WithHeader("Content-Type", "application/json").WithHeader("X-Served-By", "instance-2").WithBody(body));

        var failure = await Assert.ThrowsAsync<CustomerCredentialsException>(() => _fake.Client().ListCredentialsAsync(FakeService.Org, FakeService.CustomerId));

        Assert.Equal("instance-2", failure.Headers["X-Served-By"]);
        Assert.Equal(body, failure.RawBody);
    }

    [Fact]
    public async Task A_proxys_page_is_kept_as_the_raw_body()
    {
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(502).WithHeader("Content-Type", "text/html").WithBody("<html>Bad gateway</html>"));

        var failure = await Assert.ThrowsAsync<CustomerCredentialsException>(() =>
            _fake.Client(o => o.MaxRetryAttempts = 0).ListCredentialsAsync(FakeService.Org, FakeService.CustomerId));

        Assert.Equal((502, null, "<html>Bad gateway</html>"), (failure.Status, failure.ErrorCode, failure.RawBody));
    }

    public void Dispose() => _fake.Dispose();
}
