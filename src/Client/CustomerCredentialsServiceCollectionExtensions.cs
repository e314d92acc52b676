using Customers.Client.Models;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Refit;

namespace Customers.Client;

/// <summary>Registers <see cref="CustomerCredentialsClient"/> with IHttpClientFactory.</summary>
public static class CustomerCredentialsServiceCollectionExtensions
{
    private static readonly System.Net.Http.Headers.ProductInfoHeaderValue UserAgent = new("Customers.Client",
        (typeof(CustomerCredentialsClient).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? "0.0.0").Split('+')[0]);

    /// <summary>
    /// Registers the client, configured in code; resolve it as <see cref="CustomerCredentialsClient"/>.
    /// Returns the HttpClient builder so that you can add your own handlers (logging, say) or replace
    /// the primary handler. Registering it twice is an error: use named clients for a second one.
    /// </summary>
    public static IHttpClientBuilder AddCustomerCredentialsClient(this IServiceCollection services, Action<CustomerCredentialsClientOptions> configure) =>
        services.AddCustomerCredentialsClient(Options.DefaultName, configure);

    /// <summary>Registers the client, configured from a configuration section (BaseAddress, Roles, AttemptTimeout, TotalTimeout, MaxRetryAttempts, RetryDelay).</summary>
    public static IHttpClientBuilder AddCustomerCredentialsClient(this IServiceCollection services, IConfiguration section) =>
        services.AddCustomerCredentialsClient(Options.DefaultName, section);

    /// <summary>
    /// Registers a named client with options of its own (another environment, other roles); resolve it
    /// with <c>GetRequiredKeyedService&lt;CustomerCredentialsClient&gt;(name)</c> or <c>[FromKeyedServices(name)]</c>.
    /// Each name has its own HttpClient and its own one resilience pipeline; a name registered twice is an error.
    /// </summary>
    public static IHttpClientBuilder AddCustomerCredentialsClient(this IServiceCollection services, string name, Action<CustomerCredentialsClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Register(services, name).Configure(configure);
        return services.AddCustomerCredentialsClientCore(name);
    }

    /// <summary>Registers a named client configured from a configuration section; see the overload with an action.</summary>
    public static IHttpClientBuilder AddCustomerCredentialsClient(this IServiceCollection services, string name, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        Register(services, name).Bind(section);
        return services.AddCustomerCredentialsClientCore(name);
    }

    internal static string HttpClientName(string name) => name.Length == 0 ? "Customers.Client" : "Customers.Client:" + name;

    private static OptionsBuilder<CustomerCredentialsClientOptions> Register(IServiceCollection services, string name)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(name);
        if (services.Any(d => d.ServiceType == typeof(ClientRegistration) && d.ImplementationInstance is ClientRegistration r && r.Name == name))
        {
            throw new InvalidOperationException(name.Length == 0
                ? "AddCustomerCredentialsClient was called twice; a second call would stack a second pipeline. Register further clients by name."
                : $"A Customers.Client named '{name}' is registered already; a second registration would stack a second pipeline.");
        }

        services.AddSingleton(new ClientRegistration(name));
        return services.AddOptions<CustomerCredentialsClientOptions>(name);
    }

    private static IHttpClientBuilder AddCustomerCredentialsClientCore(this IServiceCollection services, string name)
    {
        services.AddOptions<CustomerCredentialsClientOptions>(name)
            .Validate(o => o.BaseAddress is { IsAbsoluteUri: true }, "CustomerCredentialsClientOptions.BaseAddress must be an absolute URI.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Roles) || o.AccessTokenSource is not null,
                "CustomerCredentialsClientOptions.Roles must name at least one role, unless an AccessTokenSource is set (JWT mode).")
            .Validate(o => o.AttemptTimeout > TimeSpan.Zero && o.TotalTimeout > TimeSpan.FromMilliseconds(1), "CustomerCredentialsClientOptions timeouts must be positive.")
            .Validate(o => o.MaxConcurrentCalls > 0, "CustomerCredentialsClientOptions.MaxConcurrentCalls must be positive.")
            .Validate(o => o.CircuitBreaker is { FailureRatio: > 0 and <= 1, MinimumThroughput: >= 2 } && o.CircuitBreaker.BreakDuration >= TimeSpan.FromMilliseconds(500),
                "CustomerCredentialsClientOptions.CircuitBreaker: FailureRatio from 0 (excluded) to 1, MinimumThroughput at least 2, BreakDuration at least 0.5 s (the pipeline's own limits).")
            .ValidateOnStart(); // A wrong BaseAddress stops the host at start, not the first call.
        if (name.Length == 0)
        {
            services.AddTransient(provider => Create(provider, name));
        }
        else
        {
            services.AddKeyedTransient(name, (provider, _) => Create(provider, name));
        }

        CustomerCredentialsClientOptions OptionsOf(IServiceProvider provider) => provider.GetRequiredService<IOptionsMonitor<CustomerCredentialsClientOptions>>().Get(name);

        var builder = services
            .AddHttpClient(HttpClientName(name))
            .ConfigureHttpClient((provider, http) =>
            {
                http.BaseAddress = OptionsOf(provider).BaseAddress;
                http.Timeout = Timeout.InfiniteTimeSpan; // The resilience pipeline owns the timeouts.
                http.DefaultRequestHeaders.UserAgent.Add(UserAgent); // The service can tell which client versions call it.
            });
        // IHttpClientFactory's default loggers write two lines and open a scope on every request; the
        // client traces and measures each call itself. AddDefaultLogger() on the returned builder brings them back.
        builder.RemoveAllLoggers();
        builder.AddHttpMessageHandler(provider => new CallScopeHandler(() => OptionsOf(provider)));
        builder.AddHttpMessageHandler(() => new SuccessBodyHandler());
        builder.AddHttpMessageHandler(provider => new GatewayRolesHandler(() => OptionsOf(provider)));
        builder.AddHttpMessageHandler(() => new RetriedDeleteHandler());
        // Ours is the only pipeline, even where ConfigureHttpClientDefaults adds a standard resilience
        // handler to every client (the Aspire service defaults): two would multiply the attempts,
        // cut the total timeout and break the retried-DELETE rule.
        // EXTEXP0001: RemoveAllResilienceHandlers is marked for evaluation; it is the library's own answer
        // to exactly this case, the version is pinned centrally, and a test proves the one pipeline.
#pragma warning disable EXTEXP0001
        builder.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        builder.AddStandardResilienceHandler().Configure((HttpStandardResilienceOptions resilience, IServiceProvider provider) =>
        {
            var options = OptionsOf(provider);
            // The pipeline insists that one attempt ends before the whole call, and that retries stay on (≥ 1).
            var attempt = options.AttemptTimeout < options.TotalTimeout ? options.AttemptTimeout : options.TotalTimeout - TimeSpan.FromMilliseconds(1);
            resilience.AttemptTimeout.Timeout = attempt;
            resilience.TotalRequestTimeout.Timeout = options.TotalTimeout;
            var sampling = options.CircuitBreaker.SamplingDuration ?? TimeSpan.FromSeconds(30);
            resilience.CircuitBreaker.SamplingDuration = attempt * 2 > sampling ? attempt * 2 : sampling;
            resilience.CircuitBreaker.FailureRatio = options.CircuitBreaker.FailureRatio;
            resilience.CircuitBreaker.MinimumThroughput = options.CircuitBreaker.MinimumThroughput;
            resilience.CircuitBreaker.BreakDuration = options.CircuitBreaker.BreakDuration;
            if (!options.CircuitBreaker.Enabled)
            {
                resilience.CircuitBreaker.ShouldHandle = static _ => ValueTask.FromResult(false); // Counts nothing, so never opens.
            }

            resilience.RateLimiter.DefaultRateLimiterOptions.PermitLimit = options.MaxConcurrentCalls;
            resilience.RateLimiter.DefaultRateLimiterOptions.QueueLimit = 0;
            resilience.Retry.MaxRetryAttempts = Math.Max(options.MaxRetryAttempts, 1);
            resilience.Retry.Delay = options.RetryDelay;
            resilience.Retry.OnRetry = args =>
            {
                args.Context.Properties.Set(RetriedDeleteHandler.Retried, true);
                return default;
            };
            var transient = resilience.Retry.ShouldHandle;
            resilience.Retry.ShouldHandle = args =>
            {
                var request = args.Outcome.Result?.RequestMessage ?? args.Context.GetRequestMessage();
                return options.MaxRetryAttempts > 0 && request is not null && IsSafeToRepeat(request) && !WaitOutlastsCall(args.Outcome.Result, request)
                    ? transient(args)
                    : ValueTask.FromResult(false);
            };
        });
        // Added after the resilience handler, so inside it: asked again on every attempt.
        builder.AddHttpMessageHandler(provider => new BearerTokenHandler(() => OptionsOf(provider)));
        return builder;
    }

    private static CustomerCredentialsClient Create(IServiceProvider provider, string name) =>
        new(RestService.ForGenerated<ICustomersApi>(provider.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName(name)), Settings));

    private static readonly RefitSettings Settings = RefitSettings.ForJsonContext(ContractJsonContext.Default);

    // A Retry-After that the call's remaining time cannot hold is not waited for: the caller gets
    // the answer now, with its status, code and RetryAfter, instead of a timeout later.
    private static bool WaitOutlastsCall(HttpResponseMessage? response, HttpRequestMessage request) =>
        ResponseReader.RetryAfter(response?.Headers.RetryAfter) is { } wait && CallScopeHandler.Remaining(request) is { } remaining && wait >= remaining;

    // GET changes nothing; a POST with an Idempotency-Key is answered once by the service however
    // often it arrives; a repeated DELETE that finds nothing left is a success (RetriedDeleteHandler).
    private static bool IsSafeToRepeat(HttpRequestMessage request) =>
        request.Method == HttpMethod.Get || request.Method == HttpMethod.Head || request.Method == HttpMethod.Delete
        || (request.Method == HttpMethod.Post && request.Headers.Contains(ContractHeaders.IdempotencyKey));
}
