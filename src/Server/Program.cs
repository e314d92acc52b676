using Customers.Server.Infrastructure;

var builder = WebApplication.CreateBuilder(args);
if (ConfigurationProblems.Find(builder.Configuration, builder.Environment) is { } problem)
{
    Console.Error.WriteLine($"Customers service cannot start: {problem}");
    return ConfigurationProblems.ExitCode;
}

builder.AddCustomersService();

var app = builder.Build();
app.UseCustomersService();
StartupWarnings.Log(app);
var background = HostExit.Watch(app.Services);
app.Run();
return HostExit.CodeFor(background);

/// <summary>The service's entry point; public so that tests can host it with WebApplicationFactory.</summary>
public partial class Program;
