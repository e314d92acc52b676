using System.Net;
using Customers.Server.Tests.Reliability;

namespace Customers.Server.Tests.Auth;

/// <summary>
/// Gateway mode with a role limited to organizations (Authorization:Orgs:ROLE): that role acts on
/// them only, a role without a limit on every organization.
/// </summary>
public sealed class GatewayOrganizationTests : IAsyncLifetime
{
    private readonly ServiceFactory _service = new(new()
    {
        ["Authorization:Grants:API_KEY:0"] = "*",
        ["Authorization:Grants:PARTNER:0"] = "*",
        ["Authorization:Orgs:PARTNER:0"] = Api.Org,
        ["Authorization:Orgs:PARTNER:1"] = "partner-second-org",
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _service.DisposeAsync();

    [Fact]
    public async Task A_limited_role_acts_on_its_organizations()
    {
        using var partner = _service.CreateClient("PARTNER");

        var customer = await Api.CreateCustomerAsync(partner);
        await Api.CreateCredentialAsync(partner, customer, $"partner-{Guid.NewGuid():N}@example.com");
        await Api.CreateCustomerAsync(partner, "partner-second-org");
    }

    [Theory]
    [MemberData(nameof(EveryOperationTests.Operations), MemberType = typeof(EveryOperationTests))]
    public async Task Every_operation_on_another_organization_answers_403_and_changes_nothing(string operationId)
    {
        using var unlimited = _service.CreateClient("API_KEY");
        var customer = await Api.CreateCustomerAsync(unlimited, "other-org");
        var credential = (await Api.CreateCredentialAsync(unlimited, customer, $"other-{Guid.NewGuid():N}@example.com", "other-org")).GetProperty("id").GetGuid();
        var before = StoreSnapshot.Read(_service.DatabasePath);
        using var partner = _service.CreateClient("PARTNER");

        using var response = await partner.SendAsync(EveryOperationTests.RequestFor(operationId, customer, credential, org: "other-org"));

        var error = await Api.AssertErrorAsync(response, HttpStatusCode.Forbidden, "ORG_NOT_PERMITTED", "path.org_id");
        Assert.DoesNotContain("other-org", error.GetProperty("message").GetString());
        Assert.Equal(before, StoreSnapshot.Read(_service.DatabasePath));
    }

    [Fact]
    public async Task A_caller_with_a_limited_and_an_unlimited_role_acts_anywhere()
    {
        using var both = _service.CreateClient("PARTNER,API_KEY");

        await Api.CreateCustomerAsync(both, "any-org");
    }
}
