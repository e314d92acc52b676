using System.Net;

namespace Customers.Server.Tests;

public sealed class RoutingTests(SharedService service) : IClassFixture<SharedService>
{
    private readonly HttpClient _client = service.CreateClient("API_KEY");

    [Theory]
    [InlineData("PUT", "credentials", "GET, POST")]
    [InlineData("PATCH", "credentials", "GET, POST")]
    [InlineData("GET", "credential", "DELETE")]
    [InlineData("PUT", "credential", "DELETE")]
    [InlineData("DELETE", "customer", "GET")]
    [InlineData("DELETE", "customers", "POST")]
    public async Task A_method_that_the_path_does_not_support_answers_405_with_allow_and_no_body(string method, string path, string allow)
    {
        var url = path switch
        {
            "credentials" => Api.Credentials(Guid.NewGuid()),
            "credential" => $"{Api.Credentials(Guid.NewGuid())}/{Guid.NewGuid()}",
            "customer" => $"{Api.Customers()}/{Guid.NewGuid()}",
            _ => Api.Customers(),
        };

        using var response = await _client.SendAsync(new HttpRequestMessage(new HttpMethod(method), url));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(allow, string.Join(", ", response.Content.Headers.Allow.Order()));
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/v3/orgs/telco/customers")]
    [InlineData("/v4/orgs/telco/customers/0e6f1d3c-7c0a-4c1f-9d43-2a1b5f0c9e11/credentials/x/y")]
    public async Task A_path_that_no_operation_has_answers_404_with_an_error_response(string path)
    {
        using var response = await _client.GetAsync(path);

        await Api.AssertErrorAsync(response, HttpStatusCode.NotFound, "RESOURCE_NOT_FOUND");
    }
}
