// Registers Customers.Client with dependency injection and adds a credential to a new customer.
// Run the service first (dotnet run --project src/Server), then: dotnet run --project samples/Customers.Client.Sample
using Customers.Client;
using Microsoft.Extensions.DependencyInjection;

var services = new ServiceCollection();
services.AddCustomerCredentialsClient(options =>
{
    options.BaseAddress = new Uri(args.FirstOrDefault() ?? "http://localhost:5080/");
    options.Roles = "API_KEY";
    // A service in JWT mode wants a token instead: a source asked on every attempt. A real one asks
    // the identity provider (and caches); this sample takes a token from CUSTOMERS_TOKEN.
    if (Environment.GetEnvironmentVariable("CUSTOMERS_TOKEN") is { Length: > 0 } token)
    {
        options.Roles = "";
        options.AccessTokenSource = _ => ValueTask.FromResult(token);
    }
});
await using var provider = services.BuildServiceProvider();
var customers = provider.GetRequiredService<CustomerCredentialsClient>();

try
{
    var customer = await customers.CreateCustomerAsync("telco", "CRM-SAMPLE");

    // Per-call options: your own Idempotency-Key (a message id, say: handling the message twice
    // creates one credential), a timeout for this call, a header of yours. WithResponse gives the
    // status and the service's trace id too.
    var call = new CustomerCredentialsRequestOptions { IdempotencyKey = $"sample-{Guid.NewGuid():N}", Timeout = TimeSpan.FromSeconds(5) };
    call.Headers["X-Correlation-Id"] = "sample-run";
    var created = await customers.CreateCredentialWithResponseAsync("telco", customer.Id, $"sample-{Guid.NewGuid():N}@example.com", call);
    Console.WriteLine($"Customer {customer.Id} has credential {created.Value.Id} ({created.Value.Username}); {created.Status}, trace {created.TraceId}, key {created.IdempotencyKey}.");
}
catch (CustomerCredentialsException e)
{
    Console.Error.WriteLine($"{e.Kind} {e.Status} {e.ErrorCode}: {e.ErrorMessage} (trace {e.TraceId})");
    return 1;
}

return 0;
