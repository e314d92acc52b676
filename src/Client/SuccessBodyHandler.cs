namespace Customers.Client;

/// <summary>
/// Keeps the bytes of a successful answer on the request, so that the facade can check them
/// against the contract's schema after Refit has read them (Refit checks types, not nulls). Sits
/// outside the resilience pipeline: only the answer the caller gets is kept.
/// </summary>
internal sealed class SuccessBodyHandler : DelegatingHandler
{
    internal static readonly HttpRequestOptionsKey<byte[]> Body = new("Customers.Client.SuccessBody");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode && response.Content.Headers.ContentLength != 0)
        {
            // Reading buffers the content: Refit then reads the same bytes from memory.
            request.Options.Set(Body, await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false));
        }

        return response;
    }
}
