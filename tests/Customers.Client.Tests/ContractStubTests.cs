using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Customers.ContractChecks;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Customers.Client.Tests;

/// <summary>
/// The client against WireMock stubs built from the contract's own examples: every documented
/// response of every operation, errors and the body-less 405 included. Successes must deserialize
/// to what the example says; errors must raise <see cref="CustomerCredentialsException"/> with the
/// documented status and the example's error code.
/// </summary>
public sealed class ContractStubTests : IDisposable
{
    private static readonly Dictionary<string, Func<CustomerCredentialsClient, Task<object?>>> Calls = new()
    {
        ["createCustomer"] = async client => await client.CreateCustomerAsync(FakeService.Org, "CRM-1"),
        ["getCustomer"] = async client => await client.GetCustomerAsync(FakeService.Org, FakeService.CustomerId),
        ["createCredential"] = async client => await client.CreateCredentialAsync(FakeService.Org, FakeService.CustomerId, "username@masmovil.com"),
        ["listCredentials"] = async client => new { credentials = await client.ListCredentialsAsync(FakeService.Org, FakeService.CustomerId) },
        ["deleteCredential"] = async client =>
        {
            await client.DeleteCredentialAsync(FakeService.Org, FakeService.CustomerId, FakeService.CredentialId);
            return null;
        },
        ["eraseCustomer"] = async client =>
        {
            await client.EraseCustomerAsync(FakeService.Org, FakeService.CustomerId);
            return null;
        },
        // One page: the stub answers the same page whatever the cursor, so following `next` would not end.
        ["listAuditEvents"] = async client => (await client.ListAuditEventsWithResponseAsync(FakeService.Org)).Value,
        ["verifyAuditTrail"] = async client => await client.VerifyAuditTrailAsync(FakeService.Org),
    };

    private readonly FakeService _fake = new();

    /// <summary>(operationId, status, example name) for every documented response; "" where the response has no example (no body).</summary>
    public static TheoryData<string, int, string> DocumentedResponses()
    {
        var data = new TheoryData<string, int, string>();
        foreach (var operation in OpenApiContract.Default.Operations)
        {
            foreach (var response in operation.Responses.Values)
            {
                foreach (var name in response.Examples.Count > 0 ? response.Examples.Select(e => e.Name) : [""])
                {
                    data.Add(operation.OperationId, response.Status, name);
                }
            }
        }

        return data;
    }

    [Fact]
    public void Every_operation_of_the_contract_has_a_client_call_here() =>
        Assert.Empty(OpenApiContract.Default.Operations.Select(o => o.OperationId).Except(Calls.Keys));

    [Theory]
    [MemberData(nameof(DocumentedResponses))]
    public async Task The_client_handles_the_documented_response(string operationId, int status, string exampleName)
    {
        var operation = OpenApiContract.Default.Operation(operationId);
        var documented = operation.Responses[status];
        var example = documented.Examples.SingleOrDefault(e => e.Name == exampleName)?.Value;
        var response = Response.Create().WithStatusCode(status);
        if (example is not null)
        {
            response = response.WithHeader("Content-Type", documented.MediaType!).WithBody(example.ToJsonString());
        }
        else if (status == 405)
        {
            response = response.WithHeader("Allow", string.Join(", ", OpenApiContract.Default.OperationsAt(PathOf(operation)).Select(o => o.Method)));
        }

        _fake.Server.Given(Request.Create().WithPath(PathOf(operation)).UsingMethod(operation.Method)).RespondWith(response);
        var client = _fake.Client(options => options.RetryDelay = TimeSpan.FromMilliseconds(1));

        if (status < 400)
        {
            var result = await Calls[operationId](client);
            Assert.True(Normalize(example) is var expected && JsonNode.DeepEquals(expected, Normalize(result is null ? null : JsonSerializer.SerializeToNode(result))),
                $"{operationId} {status}: the client read {JsonSerializer.Serialize(result)}, the example is {example?.ToJsonString()}");
            return;
        }

        var failure = await Assert.ThrowsAsync<CustomerCredentialsException>(() => Calls[operationId](client));
        Assert.Equal(status, failure.Status);
        var codes = example?["errors"]!.AsArray().Select(e => e!["error"]!["code"]!.GetValue<string>()).ToList() ?? [];
        Assert.Equal(codes, failure.Errors.Select(e => e.Code));
        Assert.Equal(codes.FirstOrDefault(), failure.ErrorCode);
    }

    public void Dispose() => _fake.Dispose();

    private static string PathOf(ContractOperation operation) =>
        operation.CreateRequest(new Dictionary<string, string>
        {
            ["org_id"] = FakeService.Org,
            ["customer_id"] = FakeService.CustomerId.ToString(),
            ["credential_id"] = FakeService.CredentialId.ToString(),
        }).RequestUri!.OriginalString;

    // Dates compare as instants (the client may print +00:00 where the example says Z).
    private static JsonNode? Normalize(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, Normalize(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Normalize).ToArray()),
        JsonValue v when v.TryGetValue<string>(out var s) && s.Contains('T', StringComparison.Ordinal)
            && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var instant) => JsonValue.Create(instant.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)),
        _ => node?.DeepClone(),
    };
}
