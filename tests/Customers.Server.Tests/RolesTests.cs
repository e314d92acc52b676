using System.Net;

namespace Customers.Server.Tests;

/// <summary>The roles check, on every operation of the contract (enumerated from the YAML, so a new one cannot slip by).</summary>
public sealed class RolesTests(SharedService service) : IClassFixture<SharedService>
{
    [Theory]
    [MemberData(nameof(EveryOperationTests.Operations), MemberType = typeof(EveryOperationTests))]
    public async Task Without_roles_every_operation_answers_401_before_looking_at_the_request(string operationId)
    {
        using var client = service.CreateClient(roles: null);
        using var request = EveryOperationTests.RequestFor(operationId);
        if (request.Content is not null)
        {
            request.Content = Api.Json("not json"); // The roles check comes first: the body is not read.
        }

        using var response = await client.SendAsync(request);

        await Api.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "MISSING_ROLES", "header.x-auth-roles");
    }

    [Theory]
    [InlineData("")]
    [InlineData(" , ,")]
    public async Task Empty_roles_answer_401(string roles)
    {
        using var client = service.CreateClient(roles);

        using var response = await client.GetAsync(Api.Credentials(Guid.NewGuid()));

        await Api.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "MISSING_ROLES");
    }

    [Theory]
    [MemberData(nameof(EveryOperationTests.Operations), MemberType = typeof(EveryOperationTests))]
    public async Task A_role_without_a_grant_answers_403_on_every_operation(string operationId)
    {
        using var client = service.CreateClient("SOMEONE_ELSE");
        using var request = EveryOperationTests.RequestFor(operationId);

        using var response = await client.SendAsync(request);

        var error = await Api.AssertErrorAsync(response, HttpStatusCode.Forbidden, "ROLE_NOT_PERMITTED", "header.x-auth-roles");
        Assert.Contains("SOMEONE_ELSE", error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task One_granted_role_among_several_is_enough()
    {
        using var client = service.CreateClient("READER, API_KEY");

        using var response = await client.PostAsync(Api.Customers(), Api.Json("{}"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Configured_grants_replace_the_default_and_name_operations_by_operation_id()
    {
        await using var configured = new ServiceFactory(new()
        {
            ["Authorization:Grants:WRITER:0"] = "*",
            ["Authorization:Grants:READER:0"] = "listCredentials",
            ["Authorization:Grants:READER:1"] = "getCustomer",
        });
        using var writer = configured.CreateClient("WRITER");
        using var reader = configured.CreateClient("READER");
        using var apiKey = configured.CreateClient("API_KEY");
        var customerId = await Api.CreateCustomerAsync(writer);

        using var list = await reader.GetAsync(Api.Credentials(customerId));
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        using var create = await reader.PostAsync(Api.Credentials(customerId), Api.Json("""{"username":"reader@example.com"}"""));
        var error = await Api.AssertErrorAsync(create, HttpStatusCode.Forbidden, "ROLE_NOT_PERMITTED");
        Assert.Contains("createCredential", error.GetProperty("message").GetString());
        using var defaultRole = await apiKey.GetAsync(Api.Credentials(customerId));
        await Api.AssertErrorAsync(defaultRole, HttpStatusCode.Forbidden, "ROLE_NOT_PERMITTED");
        Assert.Empty(await Api.UsernamesAsync(writer, customerId));
    }
}
