using System.Net;
using System.Text;
using Customers.ContractChecks;

namespace Customers.Server.Tests;

/// <summary>The validating handler that every server test goes through fails on each kind of violation.</summary>
public sealed class ContractValidatingHandlerTests
{
    private const string Credentials = "http://localhost/v4/orgs/telco/customers/0e6f1d3c-7c0a-4c1f-9d43-2a1b5f0c9e11/credentials";
    private const string Created = """{"id":"0e6f1d3c-7c0a-4c1f-9d43-2a1b5f0c9e12","username":"a@example.com","created_at":"2026-11-28T10:00:00+00:00"}""";

    [Fact]
    public async Task A_documented_response_passes() =>
        await SendAsync(HttpMethod.Post, Credentials, HttpStatusCode.Created, Created);

    [Fact]
    public async Task An_undocumented_status_fails_naming_the_operation_and_status()
    {
        var violation = await Assert.ThrowsAsync<ContractViolationException>(() => SendAsync(HttpMethod.Post, Credentials, HttpStatusCode.OK, Created));

        Assert.Contains("createCredential answered 200", violation.Message);
    }

    [Fact]
    public async Task A_wrong_content_type_fails() =>
        Assert.Contains("Content-Type is 'text/plain'", (await Assert.ThrowsAsync<ContractViolationException>(() =>
            SendAsync(HttpMethod.Post, Credentials, HttpStatusCode.Created, Created, "text/plain"))).Message);

    [Theory]
    [InlineData("""{"id":"0e6f1d3c-7c0a-4c1f-9d43-2a1b5f0c9e12","username":"a@example.com","created_at":"yesterday"}""", "/created_at")]
    [InlineData("""{"id":"not-a-uuid","username":"a@example.com","created_at":"2026-11-28T10:00:00+00:00"}""", "/id")]
    [InlineData("""{"id":"0e6f1d3c-7c0a-4c1f-9d43-2a1b5f0c9e12","created_at":"2026-11-28T10:00:00+00:00"}""", "at /:")]
    [InlineData("""{"id":"0e6f1d3c-7c0a-4c1f-9d43-2a1b5f0c9e12","username":"a@example.com","created_at":"2026-11-28T10:00:00+00:00","secret":1}""", "/secret")]
    public async Task A_body_that_breaks_the_schema_fails_naming_the_json_pointer(string body, string pointer)
    {
        var violation = await Assert.ThrowsAsync<ContractViolationException>(() => SendAsync(HttpMethod.Post, Credentials, HttpStatusCode.Created, body));

        Assert.Contains("createCredential answered 201", violation.Message);
        Assert.Contains(pointer, violation.Message);
    }

    [Fact]
    public async Task An_error_that_is_not_an_error_response_fails() =>
        Assert.Contains("/errors", (await Assert.ThrowsAsync<ContractViolationException>(() =>
            SendAsync(HttpMethod.Get, Credentials, HttpStatusCode.NotFound, """{"errors":[]}"""))).Message);

    [Theory]
    [InlineData("   at Customers.Server.Storage.SqliteCustomerStore.ListCredentialsAsync(String org)")]
    [InlineData("System.InvalidOperationException: boom")]
    [InlineData("SELECT cr.id FROM credentials AS cr")]
    [InlineData("SQLite Error 5: 'database is locked'")]
    [InlineData("cannot open /work/main/src/Server/data/customers.db")]
    public async Task A_body_that_leaks_internals_fails_even_when_it_matches_the_schema(string leak) =>
        Assert.Contains("stack trace, SQL or a server path", (await Assert.ThrowsAsync<ContractViolationException>(() =>
            SendAsync(HttpMethod.Get, Credentials, HttpStatusCode.InternalServerError,
                $$$"""{"errors":[{"error":{"code":"INTERNAL_ERROR","title":"Internal error","ref":"server","message":"{{{leak.Replace("'", "", StringComparison.Ordinal)}}}"}}]}"""))).Message);

    [Fact]
    public async Task An_error_code_with_another_status_than_the_contracts_table_fails() =>
        Assert.Contains("listed with status 409", (await Assert.ThrowsAsync<ContractViolationException>(() =>
            SendAsync(HttpMethod.Get, Credentials, HttpStatusCode.NotFound,
                """{"errors":[{"error":{"code":"USERNAME_TAKEN","title":"Username taken","ref":"body.username","message":"Taken."}}]}"""))).Message);

    [Fact]
    public async Task A_body_where_the_contract_has_none_fails() =>
        await Assert.ThrowsAsync<ContractViolationException>(() =>
            SendAsync(HttpMethod.Delete, Credentials + "/0e6f1d3c-7c0a-4c1f-9d43-2a1b5f0c9e12", HttpStatusCode.NoContent, "{}"));

    [Fact]
    public async Task A_path_outside_the_contract_may_only_answer_404() =>
        Assert.Contains("only 404", (await Assert.ThrowsAsync<ContractViolationException>(() =>
            SendAsync(HttpMethod.Get, "http://localhost/v4/orgs/telco/secrets", HttpStatusCode.OK, "{}"))).Message);

    [Fact]
    public async Task A_method_outside_the_contract_may_only_answer_405() =>
        Assert.Contains("only 405", (await Assert.ThrowsAsync<ContractViolationException>(() =>
            SendAsync(HttpMethod.Put, Credentials, HttpStatusCode.OK, "{}"))).Message);

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-trace-id")]
    public async Task An_answer_without_the_contracts_trace_id_header_fails(string? traceId) =>
        Assert.Contains("x-trace-id header is", (await Assert.ThrowsAsync<ContractViolationException>(() =>
            SendAsync(HttpMethod.Post, Credentials, HttpStatusCode.Created, Created, traceId: traceId))).Message);

    private static async Task SendAsync(HttpMethod method, string url, HttpStatusCode status, string body, string mediaType = "application/json",
        string? traceId = "4bf92f3577b34da6a3ce929d0e0e4736")
    {
        // Canned answers are not the service's: they must not count as contract coverage.
        using var client = new HttpClient(new ContractValidatingHandler(inner: new CannedHandler(status, body, mediaType, traceId), recordCoverage: false));
        using var response = await client.SendAsync(new HttpRequestMessage(method, url));
    }

    private sealed class CannedHandler(HttpStatusCode status, string body, string mediaType, string? traceId) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, mediaType) };
            if (traceId is not null)
            {
                response.Headers.TryAddWithoutValidation("x-trace-id", traceId);
            }

            return Task.FromResult(response);
        }
    }
}
