using System.Net;
using System.Text;
using Customers.ContractChecks;
using Customers.Server.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Customers.Server.Tests;

/// <summary>
/// Rules that hold for every operation of the contract. The operations and their requests come from
/// the YAML (path template, request example), so a new operation is tested without being listed.
/// </summary>
public sealed class EveryOperationTests(SharedService service) : IClassFixture<SharedService>
{
    public static TheoryData<string> Operations => new(OpenApiContract.Default.Operations.Select(o => o.OperationId));

    public static TheoryData<string> OperationsWithBody => new(OpenApiContract.Default.Operations.Where(o => o.RequestExample is not null).Select(o => o.OperationId));

    /// <summary>The request the contract documents for <paramref name="operationId"/>, on a customer and credential that may or may not exist.</summary>
    public static HttpRequestMessage RequestFor(string operationId, Guid? customerId = null, Guid? credentialId = null, string org = Api.Org) =>
        OpenApiContract.Default.Operation(operationId).CreateRequest(new Dictionary<string, string>
        {
            ["org_id"] = org,
            ["customer_id"] = (customerId ?? Guid.NewGuid()).ToString(),
            ["credential_id"] = (credentialId ?? Guid.NewGuid()).ToString(),
        });

    public static TheoryData<string> OperationsOnACustomer => new(OpenApiContract.Default.Operations
        .Where(o => o.PathTemplate.Contains("{customer_id}", StringComparison.Ordinal)).Select(o => o.OperationId));

    [Theory]
    [MemberData(nameof(OperationsOnACustomer))]
    public async Task A_customer_of_another_org_is_404_and_its_data_stays_as_it_was(string operationId)
    {
        using var client = service.CreateClient("API_KEY");
        var customerId = await Api.CreateCustomerAsync(client, "org-a");
        var credential = await Api.CreateCredentialAsync(client, customerId, $"private-{Guid.NewGuid():N}@example.com", "org-a");
        var credentialId = credential.GetProperty("id").GetGuid();

        using var request = RequestFor(operationId, customerId, credentialId, org: "org-b");
        using var response = await client.SendAsync(request);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{operationId} from org-b answered {(int)response.StatusCode}: {body}");
        Assert.DoesNotContain(credential.GetProperty("username").GetString()!, body, StringComparison.OrdinalIgnoreCase);
        Assert.Equal([credential.GetProperty("username").GetString()!], await Api.UsernamesAsync(client, customerId, "org-a"));
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task An_unexpected_store_failure_answers_500_without_internals(string operationId)
    {
        await using var failing = new ServiceFactory(null, services => services.AddSingleton<ICustomerStore>(
            new FailureTests.FailingStore(new InvalidOperationException("SELECT secret FROM /var/lib/customers.db"))));
        using var client = failing.CreateClient("API_KEY");

        using var response = await client.SendAsync(RequestFor(operationId));

        await Api.AssertErrorAsync(response, HttpStatusCode.InternalServerError, "INTERNAL_ERROR", "server");
        var body = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("SELECT", body);
        Assert.DoesNotContain("/var/lib", body);
    }

    [Theory]
    [MemberData(nameof(OperationsWithBody))]
    public async Task A_body_over_the_limit_answers_413(string operationId)
    {
        using var request = RequestFor(operationId);
        request.Content = Api.Json($$"""{"padding":"{{new string('a', 70_000)}}"}""");

        using var response = await service.CreateClient("API_KEY").SendAsync(request);

        await Api.AssertErrorAsync(response, HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE", "body");
    }

    [Theory]
    [MemberData(nameof(OperationsWithBody))]
    public async Task A_body_in_another_media_type_answers_415(string operationId)
    {
        using var request = RequestFor(operationId);
        request.Content = new StringContent(await request.Content!.ReadAsStringAsync(), Encoding.UTF8, "text/plain");

        using var response = await service.CreateClient("API_KEY").SendAsync(request);

        await Api.AssertErrorAsync(response, HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE");
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task A_method_the_path_does_not_have_answers_405_with_no_body(string operationId)
    {
        var operation = OpenApiContract.Default.Operation(operationId);
        using var request = RequestFor(operationId);
        var taken = OpenApiContract.Default.OperationsAt(request.RequestUri!.OriginalString).Select(o => o.Method).ToHashSet();
        request.Method = new[] { HttpMethod.Put, HttpMethod.Patch, HttpMethod.Delete, HttpMethod.Get, HttpMethod.Post }.First(m => !taken.Contains(m.Method));

        using var response = await service.CreateClient("API_KEY").SendAsync(request);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains(operation.Method, response.Content.Headers.Allow);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }
}
