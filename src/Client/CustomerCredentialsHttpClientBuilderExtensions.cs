using Microsoft.Extensions.DependencyInjection;

namespace Customers.Client;

/// <summary>
/// Where a team's own handler sits in the client's pipeline, said by name. The builder that
/// <c>AddCustomerCredentialsClient</c> returns puts a plain <c>AddHttpMessageHandler</c> inside the
/// retry loop (per attempt); these say which one you mean.
/// </summary>
public static class CustomerCredentialsHttpClientBuilderExtensions
{
    /// <summary>
    /// Adds a handler that runs once per call, outside the retries, timeouts and breaker: it sees the
    /// request once and the answer the caller gets (an audit log, a call-level metric). Handlers
    /// added this way run in the order they were added, the first outermost.
    /// </summary>
    public static IHttpClientBuilder AddPerCallHandler(this IHttpClientBuilder builder, Func<IServiceProvider, DelegatingHandler> handler)
    {
        Ours(builder);
        ArgumentNullException.ThrowIfNull(handler);
        return builder.ConfigureAdditionalHttpMessageHandlers((handlers, provider) =>
        {
            // Just outside the client's own outer handlers, after the per-call handlers added before.
            var ownFirst = handlers.Select((h, i) => (h, i)).First(x => x.h is CallScopeHandler).i;
            handlers.Insert(ownFirst, handler(provider));
        });
    }

    /// <summary>
    /// Adds a handler that runs on every attempt, inside the retries: it sees each retry, with the
    /// attempt's bearer token, and its answer (a per-attempt log, a test's fault injector).
    /// </summary>
    public static IHttpClientBuilder AddPerAttemptHandler(this IHttpClientBuilder builder, Func<IServiceProvider, DelegatingHandler> handler)
    {
        Ours(builder);
        ArgumentNullException.ThrowIfNull(handler);
        return builder.AddHttpMessageHandler(handler);
    }

    private static void Ours(IHttpClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.Name != CustomerCredentialsServiceCollectionExtensions.HttpClientName("") && !builder.Name.StartsWith(CustomerCredentialsServiceCollectionExtensions.HttpClientName("") + ":", StringComparison.Ordinal))
        {
            throw new ArgumentException("Use the builder that AddCustomerCredentialsClient returned.", nameof(builder));
        }
    }
}
