using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Customers.Server.Infrastructure;

/// <summary>
/// OpenTelemetry traces and metrics for requests (per operation: rate, errors, duration through
/// ASP.NET Core's http.server.request.duration with the route and a customers.operation tag),
/// outgoing HTTP and the database, exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set.
/// Without an endpoint the OpenTelemetry SDK is not started at all: it would sample and record
/// every request for no reader (bench/RESULTS.md measured the cost). The runtime's own meters and
/// activity sources stay available to dotnet-counters and dotnet-trace.
/// </summary>
public static class Telemetry
{
    public const string ServiceName = "customers-service";

    /// <summary>Spans around repository calls (SQLite; PostgreSQL also has Npgsql's own).</summary>
    public static readonly ActivitySource Storage = new("Customers.Server.Storage");

    public static WebApplicationBuilder AddCustomersTelemetry(this WebApplicationBuilder builder)
    {
        // Every log line written inside a request carries its trace id (in scopes; JSON console shows them).
        builder.Logging.Configure(options => options.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        builder.Services.Configure<JsonConsoleFormatterOptions>(options => options.IncludeScopes = true);
        builder.Services.Configure<SimpleConsoleFormatterOptions>(options => options.IncludeScopes = true);
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            return builder;
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(builder.Configuration["OTEL_SERVICE_NAME"] ?? ServiceName))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(options => options.Filter = context => !context.Request.Path.StartsWithSegments("/health"))
                .AddSource("System.Net.Http", "Npgsql", Storage.Name))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddMeter("System.Net.Http", "Npgsql", Errors.ExpectedFailures.MeterName))
            .UseOtlpExporter();
        return builder;
    }

    /// <summary>Tags the request's metrics with the contract's operationId (the route name of each action).</summary>
    public static IApplicationBuilder UseOperationMetricsTag(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IRouteNameMetadata>()?.RouteName is { } operationId)
        {
            context.Features.Get<IHttpMetricsTagsFeature>()?.Tags.Add(new("customers.operation", operationId));
            Activity.Current?.SetTag("customers.operation", operationId);
        }

        return next(context);
    });
}
