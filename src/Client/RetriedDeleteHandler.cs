using System.Net;
using System.Text.Json;
using Customers.Client.Models;
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
            if (response.StatusCode == HttpStatusCode.NotFound && retried && await IsCredentialNotFoundAsync(response, cancellationToken).ConfigureAwait(false))
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

    private static async Task<bool> IsCredentialNotFoundAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var errors = JsonSerializer.Deserialize(body, ContractJsonContext.Default.ErrorResponse);
            return errors?.Errors.Count > 0 && errors.Errors[0].Error.Code == CustomerCredentialsErrorCodes.CredentialNotFound;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
