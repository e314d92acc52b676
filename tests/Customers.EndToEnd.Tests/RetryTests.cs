using System.Net;
using Customers.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Customers.EndToEnd.Tests;

/// <summary>Retries through the client's resilience pipeline against the real service.</summary>
public sealed class RetryTests(ServiceWithClient service) : IClassFixture<ServiceWithClient>
{
    private const string Org = "telco";

    [Fact]
    public async Task A_create_whose_response_was_lost_is_retried_with_its_key_and_creates_once()
    {
        var lose = new LoseFirstResponse(HttpMethod.Post);
        var client = service.CreateCredentialsClient(configure: builder => builder.AddHttpMessageHandler(() => lose));
        var customer = await service.CreateCredentialsClient().CreateCustomerAsync(Org);

        var created = await client.CreateCredentialAsync(Org, customer.Id, "lost-response@example.com");

        Assert.Equal(2, lose.PostsSeen);
        Assert.Single(lose.IdempotencyKeys.Distinct());
        var only = Assert.Single(await client.ListCredentialsAsync(Org, customer.Id));
        Assert.Equal(created.Id, only.Id);
    }

    [Fact]
    public async Task Each_logical_create_sends_a_new_key()
    {
        var watch = new LoseFirstResponse(method: null);
        var client = service.CreateCredentialsClient(configure: builder => builder.AddHttpMessageHandler(() => watch));

        await client.CreateCustomerAsync(Org, "CRM-A");
        await client.CreateCustomerAsync(Org, "CRM-A");

        Assert.Equal(2, watch.IdempotencyKeys.Distinct().Count());
    }

    [Fact]
    public async Task A_list_that_met_a_503_is_retried()
    {
        var customer = await service.CreateCredentialsClient().CreateCustomerAsync(Org);
        var flaky = new FailFirstWith(HttpStatusCode.ServiceUnavailable);
        var client = service.CreateCredentialsClient(configure: builder => builder.AddHttpMessageHandler(() => flaky));

        var credentials = await client.ListCredentialsAsync(Org, customer.Id);

        Assert.Empty(credentials);
        Assert.Equal(2, flaky.Calls);
    }

    /// <summary>Lets the request reach the service, then loses its first response, as a dropped connection would.</summary>
    private sealed class LoseFirstResponse(HttpMethod? method) : DelegatingHandler
    {
        public int PostsSeen;
        public List<string> IdempotencyKeys { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Headers.TryGetValues("Idempotency-Key", out var keys))
            {
                IdempotencyKeys.AddRange(keys);
            }

            var response = await base.SendAsync(request, cancellationToken);
            if (request.Method == method && Interlocked.Increment(ref PostsSeen) == 1)
            {
                response.Dispose();
                throw new HttpRequestException("The connection was reset after the service answered.");
            }

            return response;
        }
    }

    private sealed class FailFirstWith(HttpStatusCode status) : DelegatingHandler
    {
        public int Calls;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Interlocked.Increment(ref Calls) == 1
                ? Task.FromResult(new HttpResponseMessage(status) { RequestMessage = request })
                : base.SendAsync(request, cancellationToken);
    }
}
