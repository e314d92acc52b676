using System.Net;
using System.Net.Http.Headers;
namespace Customers.Client;

/// <summary>
/// Sends <see cref="CustomerCredentialsClientOptions.AccessTokenSource"/>'s token as the contract's
/// bearerJwt security scheme says. It sits inside the resilience pipeline, so each attempt asks the
/// source again. A 401 INVALID_TOKEN (expired, say) tells the source that its token was refused,
/// asks it once more and sends the request once more: a token that expired in flight costs no failure.
/// </summary>
internal sealed class BearerTokenHandler(Func<CustomerCredentialsClientOptions> options) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        options() is { AccessTokenSource: { } source } current ? SendWithTokenAsync(current, source, request, cancellationToken) : base.SendAsync(request, cancellationToken);

    private async Task<HttpResponseMessage> SendWithTokenAsync(CustomerCredentialsClientOptions current, Func<CancellationToken, ValueTask<string>> source,
        HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = await TokenAsync(source, cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized
            || await ErrorCodeReader.FirstCodeAsync(response, cancellationToken).ConfigureAwait(false) != CustomerCredentialsErrorCodes.InvalidToken)
        {
            return response;
        }

        if (current.AccessTokenRefused is { } refused)
        {
            await Guard(() => refused(token, cancellationToken)).ConfigureAwait(false);
        }

        response.Dispose();
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync(source, cancellationToken).ConfigureAwait(false));
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<string> TokenAsync(Func<CancellationToken, ValueTask<string>> source, CancellationToken cancellationToken)
    {
        string? token = null;
        await Guard(async () => token = await source(cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        return token!;
    }

    // The source's own failure gets a kind of its own; a cancellation stays a cancellation.
    private static async Task Guard(Func<ValueTask> call)
    {
        try
        {
            await call().ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            throw new AccessTokenSourceException(exception);
        }
    }
}
