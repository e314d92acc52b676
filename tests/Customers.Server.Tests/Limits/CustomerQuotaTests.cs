using System.Net;

namespace Customers.Server.Tests.Limits;

/// <summary>An organization holds at most Limits:Organization:MaxCustomers customers; the store suite proves it on both providers.</summary>
public sealed class CustomerQuotaTests
{
    [Fact]
    public async Task One_customer_more_than_the_quota_answers_409_and_another_organization_is_untouched()
    {
        await using var service = new ServiceFactory(new() { ["Limits:Organization:MaxCustomers"] = "2" });
        using var client = service.CreateClient("API_KEY");
        await Api.CreateCustomerAsync(client, "full");
        await Api.CreateCustomerAsync(client, "full");

        using var over = await client.PostAsync(Api.Customers("full"), Api.Json("{}"));

        var error = await Api.AssertErrorAsync(over, HttpStatusCode.Conflict, "CUSTOMER_LIMIT_REACHED", "path.org_id");
        Assert.Equal("Organization full holds 2 customers, the most an organization may hold.", error.GetProperty("message").GetString());
        await Api.CreateCustomerAsync(client, "roomy");
    }
}
