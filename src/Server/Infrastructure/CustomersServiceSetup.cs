using Customers.Server.Apis;
using Customers.Server.Auth;
using Customers.Server.Contract;
using Customers.Server.Endpoints;
using Customers.Server.Errors;
using Customers.Server.Limits;
using Customers.Server.Storage;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Customers.Server.Infrastructure;

/// <summary>Composition of the service: what Program.cs registers and the order of the pipeline.</summary>
public static class CustomersServiceSetup
{
    public const string DefaultUrl = "http://localhost:5080";

    public static WebApplicationBuilder AddCustomersService(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        if (string.IsNullOrEmpty(configuration["urls"]) && string.IsNullOrEmpty(configuration["http_ports"])
            && string.IsNullOrEmpty(configuration["https_ports"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        var limits = configuration.GetSection(LimitsOptions.Section).Get<LimitsOptions>() ?? new LimitsOptions();
        builder.Services.AddValidatedOptions<LimitsOptions, LimitsOptionsValidator>(LimitsOptions.Section).Bind(configuration.GetSection(LimitsOptions.Section));
        builder.Services.AddSingleton<IConfigureOptions<KestrelServerOptions>, KestrelLimits>();

        // First of all startup filters, so that it wraps what the framework adds in front of the app.
        builder.Services.Insert(0, ServiceDescriptor.Transient<IStartupFilter, ResponseEdgeStartupFilter>());
        // AllowedHosts: a refused Host answers an empty 400, which ResponseEdgeStartupFilter turns into INVALID_HOST.
        builder.Services.Configure<HostFilteringOptions>(hosts => hosts.IncludeFailureMessage = false);
        builder.AddCustomersTelemetry();
        builder.AddPersonalDataRedaction();
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.Configure<RoleGrantsOptions>(configuration.GetSection(RoleGrantsOptions.Section));
        services.AddCustomerStorage(configuration);
        services.AddCustomersAuthentication(configuration);

        services.AddSingleton<RoleAuthorization>();
        services.AddSingleton<OrganizationRateLimits>();
        services.AddSingleton<Audit.RefusalLog>();
        // The contract's endpoints: the operations (one instance for every request) and the steps
        // each request takes before and after one (Endpoints/ContractPipeline). No MVC.
        services.AddSingleton<CustomersV4OperationsBase, CustomersV4Operations>();
        services.AddSingleton(new RequestBodyReader(limits.MaxRequestBodyBytes));
        services.AddSingleton<RequestBinder>();
        services.AddSingleton<ContractPipeline>();
        return builder;
    }

    public static WebApplication UseCustomersService(this WebApplication app)
    {
        // The trace id, the exception handler and the error bodies come first: ResponseEdgeStartupFilter.
        // The handler again here, inside what WebApplication adds in Development (its exception page,
        // which would show a stack trace), so that Development answers as a deployed service does.
        app.UseContractExceptionHandler();
        app.UseWhen(context => context.Request.Path.StartsWithSegments(DocsPageEndpoint.Path), docs => docs.UseMiddleware<DocsPageSecurityHeaders>());
        app.UseOperationMetricsTag();
        app.MapCustomersV4Operations();
        // Outside the contract and the roles check: the contract itself, its docs page, and health for the orchestrator.
        app.MapContractDocument();
        app.MapDocsPage();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(RepositoryHealthCheck.ReadyTag) });
        return app;
    }
}
