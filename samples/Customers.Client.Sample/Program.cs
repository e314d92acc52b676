// Registers Customers.Client with dependency injection and adds a credential to a new customer.
// Run the service first (dotnet run --project src/Server), then: dotnet run --project samples/Customers.Client.Sample
using Customers.Client;
using Microsoft.Extensions.DependencyInjection;

var services = new ServiceCollection();
services.AddCustomerCredentialsClient(options =>
{
    options.BaseAddress = new Uri(args.FirstOrDefault() ?? "http://localhost:5080/");
    options.Roles = "API_KEY";
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
