// Exercises the package's registration, serialization and error path after trimming:
// a call to a port where nothing listens must end as CustomerCredentialsException with status 0.
using Customers.Client;
using Microsoft.Extensions.DependencyInjection;

var services = new ServiceCollection();
services.AddCustomerCredentialsClient(options =>
{
    options.BaseAddress = new Uri("http://127.0.0.1:9/");
    options.MaxRetryAttempts = 0;
});
var client = services.BuildServiceProvider().GetRequiredService<CustomerCredentialsClient>();
try
{
    await client.CreateCredentialAsync("telco", Guid.NewGuid(), "trimmed@example.com");
    Console.Error.WriteLine("unexpected success");
    return 2;
}
catch (CustomerCredentialsException e) when (e.Status == 0)
{
    Console.WriteLine("trimmed client ok");
    return 0;
}
