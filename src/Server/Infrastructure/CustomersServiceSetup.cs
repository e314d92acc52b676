using Customers.Server.Apis;
using Customers.Server.Auth;
using Customers.Server.Contract;
using Customers.Server.Errors;
using Customers.Server.Limits;
using Customers.Server.Storage;
using Customers.Server.Validation;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Formatters;

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
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = limits.MaxRequestBodyBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = limits.MaxRequestHeadersTotalBytes;
            kestrel.Limits.MaxRequestHeaderCount = limits.MaxRequestHeaderCount;
            kestrel.Limits.MaxRequestLineSize = limits.MaxRequestLineBytes;
        });

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
        services.AddSingleton<RoleAuthorizationFilter>();
        services.AddSingleton<OrganizationRateLimits>();
        services.AddSingleton<OrganizationRateLimitFilter>();
        services.AddSingleton<IdempotencyKeyFilter>();
        services.AddSingleton<Audit.RefusalLog>();
        services.AddSingleton<Audit.AuditScopeFilter>();
        // MVC's core and nothing else: the contract's checks replace DataAnnotations validation, and
        // ApiExplorer, CORS, authorization attributes and formatter mappings are not used (cold start).
        services
            .AddMvcCore(mvc =>
            {
                // Instances (or a reusable service filter), never Filters.Add<T>(): that builds new filters for
                // every request and keeps MVC from caching the filter pipeline.
                mvc.Filters.Add(new ServiceFilterAttribute(typeof(RoleAuthorizationFilter)) { IsReusable = true });
                // A resource filter: after every authorization filter, before the body is read.
                mvc.Filters.Add(new ServiceFilterAttribute(typeof(OrganizationRateLimitFilter)) { IsReusable = true });
                mvc.Filters.Add(new RequestValidationFilter());
                mvc.Filters.Add(new ServiceFilterAttribute(typeof(IdempotencyKeyFilter)) { IsReusable = true });
                // The caller and trace id of the request, for the audit event its change writes.
                mvc.Filters.Add(new ServiceFilterAttribute(typeof(Audit.AuditScopeFilter)) { IsReusable = true });
                // The contract's rules are checked by ContractJsonInputFormatter and RequestValidationFilter,
                // which know which rule failed; MVC's own DataAnnotations pass would only repeat them.
                mvc.ModelValidatorProviders.Clear();
                mvc.InputFormatters.RemoveType<SystemTextJsonInputFormatter>();
                mvc.InputFormatters.Insert(0, new ContractJsonInputFormatter(ContractJsonContext.Default.Options, limits.MaxRequestBodyBytes));
                var json = mvc.OutputFormatters.OfType<SystemTextJsonOutputFormatter>().Single();
                mvc.OutputFormatters[mvc.OutputFormatters.IndexOf(json)] = new ContractJsonOutputFormatter(json.SerializerOptions);
            })
            .AddJsonOptions(json =>
            {
                json.JsonSerializerOptions.TypeInfoResolverChain.Clear();
                json.JsonSerializerOptions.TypeInfoResolverChain.Add(ContractJsonContext.Default);
            })
            .ConfigureApiBehaviorOptions(api =>
            {
                api.SuppressModelStateInvalidFilter = true; // RequestValidationFilter answers instead.
                api.SuppressMapClientErrors = true; // Errors are ErrorResponse, never ProblemDetails.
            });
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
        app.MapControllers();
        // Outside the contract and the roles check: the contract itself, its docs page, and health for the orchestrator.
        app.MapContractDocument();
        app.MapDocsPage();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(RepositoryHealthCheck.ReadyTag) });
        return app;
    }
}
