using System.Net;

namespace Customers.Server.Tests;

public sealed class ServedContractTests(SharedService service) : IClassFixture<SharedService>
{
    [Fact]
    public async Task The_service_serves_the_repository_contract_byte_for_byte_without_roles()
    {
        using var client = service.CreateClient(roles: null);

        using var response = await client.GetAsync("/openapi/customers-v4.yaml");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/yaml", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(await File.ReadAllBytesAsync(RepositoryContract()), await response.Content.ReadAsByteArrayAsync());
    }

    /// <summary>openapi/customers-v4.yaml in the repository this test was built from.</summary>
    private static string RepositoryContract()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var candidate = Path.Combine(folder.FullName, "openapi", "customers-v4.yaml");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("No openapi/customers-v4.yaml above the test's folder.");
    }
}
