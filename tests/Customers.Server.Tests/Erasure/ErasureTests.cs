using System.Net;
using System.Text.Json;

namespace Customers.Server.Tests.Erasure;

/// <summary>eraseCustomer over HTTP on the embedded default (the PostgreSQL suite runs <see cref="ErasureScenario"/> too).</summary>
public sealed class ErasureTests(SharedService service) : IClassFixture<SharedService>
{
    [Fact]
    public async Task An_erased_customer_is_gone_its_usernames_are_free_and_replayed_keys_create_nothing()
    {
        using var client = service.CreateClient("API_KEY");
        await ErasureScenario.EraseAndReplayAsync(client);
    }

    [Fact]
    public async Task Erasure_is_its_own_operation_that_a_grant_gives_narrowly()
    {
        await using var narrow = new ServiceFactory(new()
        {
            ["Authorization:Grants:CRM:0"] = "createCustomer",
            ["Authorization:Grants:CRM:1"] = "createCredential",
            ["Authorization:Grants:PRIVACY_OFFICER:0"] = "eraseCustomer",
        });
        using var crm = narrow.CreateClient("CRM");
        using var officer = narrow.CreateClient("PRIVACY_OFFICER");
        var customerId = await Api.CreateCustomerAsync(crm);

        using (var refused = await crm.DeleteAsync(Customer(customerId)))
        {
            await Api.AssertErrorAsync(refused, HttpStatusCode.Forbidden, "ROLE_NOT_PERMITTED");
        }

        using var erased = await officer.DeleteAsync(Customer(customerId));
        Assert.Equal(HttpStatusCode.NoContent, erased.StatusCode);
    }

    private static string Customer(Guid customerId) => $"{Api.Customers()}/{customerId}";
}
