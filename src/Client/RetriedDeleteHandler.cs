using System.Net;
using Polly;

namespace Customers.Client;

/// <summary>
/// A DELETE that was retried and then finds its resource gone has succeeded: the earlier attempt
/// deleted it and its 204 was lost. "Its resource" is the path parameter the DELETE operation's
/// template ends with (a credential for deleteCredential, the customer for eraseCustomer): a 404
/// whose error ref names it (<c>path.credential_id</c>, <c>path.customer_id</c>). A deleteCredential
/// that finds the customer gone still fails. Sits outside the resilience pipeline, which marks the
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
            if (response.StatusCode == HttpStatusCode.NotFound && retried && ResourceReference(request) is { } resource
                && (await ErrorCodeReader.FirstErrorAsync(response, cancellationToken).ConfigureAwait(false)).Ref == resource)
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

    /// <summary>The error ref that names the resource of the DELETE operation whose path template the request's path has.</summary>
    private static string? ResourceReference(HttpRequestMessage request)
    {
        var segments = request.RequestUri!.AbsolutePath.Trim('/').Split('/');
        foreach (var operation in ContractOperations.All)
        {
            var template = operation.PathTemplate.Trim('/').Split('/');
            if (operation.Method == "DELETE" && template.Length == segments.Length
                && template.Zip(segments).All(part => part.First.StartsWith('{') || part.First == part.Second))
            {
                return $"path.{template[^1].Trim('{', '}')}";
            }
        }

        return null;
    }
}
