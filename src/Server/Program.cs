using Customers.Server.Infrastructure;

var builder = WebApplication.CreateBuilder(args);
WebApplication app;
try
{
    builder.AddCustomersService();
    app = builder.Build();
    StartupValidation.Validate(app);
}
catch (Exception exception) when (StartupValidation.Reason(exception) is { } reason)
{
    // The one place a setting stops the service: one line that names it, and EX_CONFIG.
    Console.Error.WriteLine($"Customers service cannot start: {reason}");
    return StartupValidation.ExitCode;
}

app.UseCustomersService();
StartupWarnings.Log(app);
var background = HostExit.Watch(app.Services);
app.Run();
return HostExit.CodeFor(background);

/// <summary>The service's entry point; public so that tests can host it with WebApplicationFactory.</summary>
public partial class Program;
