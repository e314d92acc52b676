using Customers.Server.Infrastructure;

var builder = WebApplication.CreateBuilder(args);
builder.AddCustomersService();

var app = builder.Build();
app.UseCustomersService();
app.Run();

/// <summary>The service's entry point; public so that tests can host it with WebApplicationFactory.</summary>
public partial class Program;
