using System.Net;

namespace Customers.Server.Tests;

/// <summary>Paths outside the contract. (405 and its Allow header: EveryOperationTests, for every operation from the YAML.)</summary>
public sealed class RoutingTests(SharedService service) : IClassFixture<SharedService>
{
    private readonly HttpClient _client = service.CreateClient("API_KEY");

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
