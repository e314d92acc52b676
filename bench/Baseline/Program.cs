// The ceiling the service is measured against, as the reference table measured it: an
// ASP.NET Core minimal API on Kestrel answering the GET route with fixed bytes, the same bytes the
// service answers for a seeded customer with three credentials. No MVC, no JSON, no storage.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);

var body = System.Text.Encoding.UTF8.GetBytes(builder.Configuration["Body"] ?? """{"credentials":[]}""");
var app = builder.Build();
app.MapGet("/v4/orgs/{orgId}/customers/{customerId}/credentials", () => Results.Bytes(body, "application/json; charset=utf-8"));
app.MapGet("/", () => Results.Bytes(body, "application/json; charset=utf-8"));
app.Run();
