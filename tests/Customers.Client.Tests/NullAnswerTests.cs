using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Customers.Client.Tests;

/// <summary>
/// A success whose body breaks the contract's schema, a null where it allows none above all, is a
/// ContractViolation that names the JSON path, not a value whose non-nullable members are null.
/// </summary>
public sealed class NullAnswerTests : IDisposable
{
    private readonly FakeService _fake = new();

    public static TheoryData<string, string> BrokenLists => new()
    {
        { """{"credentials":null}""", "$.credentials is null" },
        { """{"credentials":[null]}""", "$.credentials[0] is null" },
        { """{"credentials":[{"id":"028076fa-c264-42bb-9983-8872a576be28","username":null,"created_at":"2026-11-28T09:30:00Z"}]}""", "$.credentials[0].username is null" },
        { """{"credentials":[{"id":"not-a-uuid","username":"a","created_at":"2026-11-28T09:30:00Z"}]}""", "$.credentials[0].id is not a uuid" },
        { """{"credentials":[{"username":"a","created_at":"2026-11-28T09:30:00Z"}]}""", "$.credentials[0].id is missing" },
    };

    [Theory]
    [MemberData(nameof(BrokenLists))]
    public async Task A_list_that_breaks_the_schema_is_a_contract_violation_naming_the_path(string body, string problem)
    {
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(body));

        var failure = await Assert.ThrowsAsync<CustomerCredentialsException>(() => _fake.Client().ListCredentialsAsync(FakeService.Org, FakeService.CustomerId));

        Assert.Equal((CustomerCredentialsFailureKind.ContractViolation, 200), (failure.Kind, failure.Status));
        Assert.Contains(problem, failure.Message);
        Assert.Equal(body, failure.RawBody);
        Assert.Single(_fake.Requests("GET")); // A broken success is not retried.
    }

    [Fact]
    public async Task A_created_credential_without_a_username_is_a_contract_violation_with_the_key()
    {
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json")
                .WithBody("""{"id":"028076fa-c264-42bb-9983-8872a576be28","username":null,"created_at":"2026-11-28T09:30:00Z"}"""));

        var failure = await Assert.ThrowsAsync<CustomerCredentialsException>(() =>
            _fake.Client().CreateCredentialAsync(FakeService.Org, FakeService.CustomerId, "username@masmovil.com"));

        Assert.Equal(CustomerCredentialsFailureKind.ContractViolation, failure.Kind);
        Assert.Contains("$.username is null", failure.Message);
        Assert.NotNull(failure.IdempotencyKey);
    }

    [Fact]
    public async Task A_field_this_version_does_not_know_is_accepted()
    {
        // A newer service may add a field in a minor version: a client that refused it would break on a compatible change.
        _fake.Server.Given(Request.Create().WithPath(FakeService.CredentialsPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"credentials":[{"id":"028076fa-c264-42bb-9983-8872a576be28","username":"a","created_at":"2026-11-28T09:30:00Z","label":"new"}],"next":null}"""));

        var credentials = await _fake.Client().ListCredentialsAsync(FakeService.Org, FakeService.CustomerId);

        Assert.Equal("a", Assert.Single(credentials).Username);
    }

    public void Dispose() => _fake.Dispose();
}
