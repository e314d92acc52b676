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
    var credential = await customers.CreateCredentialAsync("telco", customer.Id, $"sample-{Guid.NewGuid():N}@example.com");
    Console.WriteLine($"Customer {customer.Id} has credential {credential.Id} ({credential.Username}).");
}
catch (CustomerCredentialsException e)
{
    Console.Error.WriteLine($"{e.Status} {e.ErrorCode}: {e.ErrorMessage} (trace {e.TraceId})");
    return 1;
}

return 0;
