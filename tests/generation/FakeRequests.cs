#:project ../../src/Client.Testing/Customers.Client.Testing.csproj
#:property TreatWarningsAsErrors=false
// Sends each argument as the body of "<METHOD> <path>" (the first two arguments) to a fresh fake,
// and prints one line per answer: the status and the body.
using System.Text;
using Customers.Client.Testing;

using var fake = FakeCustomersService.Start();
using var http = new HttpClient { BaseAddress = fake.BaseAddress };
http.DefaultRequestHeaders.Add("x-auth-roles", "API_KEY");
foreach (var body in args[2..])
{
    using var request = new HttpRequestMessage(new HttpMethod(args[0]), args[1]) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
    using var response = await http.SendAsync(request);
    Console.WriteLine($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
}
