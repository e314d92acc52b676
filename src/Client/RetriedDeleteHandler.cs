using System.Net;
using Polly;

namespace Customers.Client;

/// <summary>
/// A DELETE that was retried and then finds the credential gone has succeeded: the earlier attempt
/// deleted it and its 204 was lost. Sits outside the resilience pipeline, which marks the
/// request's context when it retries.
/// </summary>
internal sealed class RetriedDeleteHandler : DelegatingHandler
{
    internal static readonly ResiliencePropertyKey<bool> Retried = new("Customers.Client.Retried");

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        request.Method == HttpMethod.Delete ? SendDeleteAsync(request, cancellationToken) : base.SendAsync(request, cancellationToken);

    private async Task<HttpResponseMessage> SendDeleteAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            request.SetResilienceContext(context);
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var retried = context.Properties.GetValue(Retried, false);
            if (response.StatusCode == HttpStatusCode.NotFound && retried && await ErrorCodeReader.FirstCodeAsync(response, cancellationToken).ConfigureAwait(false) == CustomerCredentialsErrorCodes.CredentialNotFound)
            {
                response.Dispose();
                return new HttpResponseMessage(HttpStatusCode.NoContent) { RequestMessage = request };
            }

            return response;
        }
        finally
        {
            request.SetResilienceContext(null);
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
