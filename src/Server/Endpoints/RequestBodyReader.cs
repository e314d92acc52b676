using Customers.Server.Errors;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Customers.Server.Endpoints;

/// <summary>
/// Reads the body of an operation that takes one, as the contract sends it: application/json in
/// UTF-8 (else 415), no larger than the limit (else 413). The JSON itself is the shared rules' (RequestRules).
/// </summary>
internal sealed class RequestBodyReader(long maxBodyBytes)
{
    private const long DiscardBytes = 1024 * 1024;
    private static readonly TimeSpan DiscardTime = TimeSpan.FromSeconds(5);

    public long MaxBodyBytes => maxBodyBytes;

    /// <summary>The body's bytes (empty when there is none), or the error to answer.</summary>
    public async Task<(ReadOnlyMemory<byte> Body, RequestError? Error)> ReadAsync(HttpContext http)
    {
        var request = http.Request;
        if (!IsJson(request.ContentType))
        {
            return (default, ServiceErrors.UnsupportedMediaType());
        }

        if (request.ContentLength > maxBodyBytes)
        {
            await DiscardBodyAsync(http);
            return (default, ServiceErrors.PayloadTooLarge(maxBodyBytes));
        }

        var canHaveBody = http.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? request.ContentLength != 0;
        if (!canHaveBody || request.ContentLength == 0)
        {
            return (ReadOnlyMemory<byte>.Empty, null);
        }

        // Kestrel stops a body past the limit with BadHttpRequestException (413): an exception of the
        // transport, answered by the exception handler like a body cut short.
        using var buffer = new MemoryStream(request.ContentLength is { } length ? (int)length : 1024);
        await request.Body.CopyToAsync(buffer, http.RequestAborted);
        return (buffer.GetBuffer().AsMemory(0, (int)buffer.Length), null);
    }

    // Only what the contract documents: application/json ("+json" types such as json-patch are
    // other formats) in UTF-8, the only encoding JSON allows between systems (RFC 8259).
    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && string.Equals(parsed.MediaType.Value, "application/json", StringComparison.OrdinalIgnoreCase)
        && (parsed.Charset.Value is null || string.Equals(parsed.Charset.Value, "utf-8", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Reads and drops an over-limit body of up to 1 MiB past the limit before the 413 goes out, so
    /// a client that is still sending (HTTP/1.1 clients send the whole body before they read) can
    /// finish and read the answer instead of meeting a closed connection. A larger body, or one the
    /// client holds back with Expect: 100-continue, is not read: the 413 goes out at once.
    /// </summary>
    private async Task DiscardBodyAsync(HttpContext http)
    {
        var request = http.Request;
        var limit = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
        var discardable = maxBodyBytes + DiscardBytes;
        if (limit is not { IsReadOnly: false } || request.ContentLength > discardable
            || request.Headers.Expect.Any(e => e?.Contains("100-continue", StringComparison.OrdinalIgnoreCase) == true))
        {
            return;
        }

        limit.MaxRequestBodySize = discardable;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        deadline.CancelAfter(DiscardTime);
        try
        {
            await request.Body.CopyToAsync(Stream.Null, deadline.Token);
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or BadHttpRequestException)
        {
            // The client stopped or was too slow: the 413 (with Connection: close) still goes out.
        }
    }
}
