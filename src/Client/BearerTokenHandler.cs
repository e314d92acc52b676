using System.Net.Http.Headers;
namespace Customers.Client;

/// <summary>
/// Sends <see cref="CustomerCredentialsClientOptions.AccessTokenSource"/>'s token as the contract's
/// bearerJwt security scheme says. It sits inside the resilience pipeline, so each attempt asks the
/// source again and a retry after a 401 or a timeout carries a fresh token.
/// </summary>
internal sealed class BearerTokenHandler(Func<CustomerCredentialsClientOptions> options) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        options().AccessTokenSource is { } source ? SendWithTokenAsync(source, request, cancellationToken) : base.SendAsync(request, cancellationToken);

    private async Task<HttpResponseMessage> SendWithTokenAsync(Func<CancellationToken, ValueTask<string>> source, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await source(cancellationToken).ConfigureAwait(false));
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
