using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Customers.Client.Models;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;
using Refit;

namespace Customers.Client;

/// <summary>Turns Refit's responses into responses with their metadata, or into <see cref="CustomerCredentialsException"/>.</summary>
internal static class ResponseReader
{
    public static CustomerCredentialsResponse<T> Read<T>(IApiResponse<T> response, string? idempotencyKey, CancellationToken cancellationToken)
    {
        using (response)
        {
            return response.IsSuccessfulWithContent
                ? new CustomerCredentialsResponse<T>(response.Content, (int)(response.StatusCode ?? 0), TraceId(response), idempotencyKey)
                : throw Failure(response, cancellationToken);
        }
    }

    public static CustomerCredentialsResponse Read(IApiResponse response, CancellationToken cancellationToken)
    {
        using (response)
        {
            return response.IsSuccessful
                ? new CustomerCredentialsResponse((int)(response.StatusCode ?? 0), TraceId(response), null)
                : throw Failure(response, cancellationToken);
        }
    }

    public static Exception Failure(IApiResponse response, CancellationToken cancellationToken)
    {
        if (response.HasRequestError(out var requestError))
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return new OperationCanceledException(cancellationToken);
            }

            var inner = requestError.InnerException ?? requestError;
            return new CustomerCredentialsException($"The call to the customers service failed before a response arrived: {inner.Message}", 0,
                innerException: inner, kind: KindOf(inner));
        }

        var status = (int)(response.StatusCode ?? 0);
        var traceId = TraceId(response);
        if (response.IsSuccessStatusCode)
        {
            return new CustomerCredentialsException(
                $"The customers service answered {status} with a body that does not match the contract.", status, traceId: traceId, innerException: response.Error,
                kind: CustomerCredentialsFailureKind.ContractViolation);
        }

        var errors = ReadErrors(response.HasResponseError(out var apiException) ? apiException.Content : null);
        var first = errors.Count > 0 ? $"{errors[0].Code}: {errors[0].Message}" : ((HttpStatusCode)status).ToString();
        return new CustomerCredentialsException($"The customers service answered {status} ({first}).", status, errors, traceId, response.Error);
    }

    public static CustomerCredentialsFailureKind KindOf(Exception exception) => exception switch
    {
        TimeoutRejectedException or TaskCanceledException or TimeoutException => CustomerCredentialsFailureKind.Timeout,
        BrokenCircuitException => CustomerCredentialsFailureKind.CircuitOpen,
        RateLimiterRejectedException => CustomerCredentialsFailureKind.Throttled,
        HttpRequestException or IOException or SocketException => CustomerCredentialsFailureKind.Network,
        _ when exception.InnerException is { } inner => KindOf(inner),
        _ => CustomerCredentialsFailureKind.Network,
    };

    // NonValidated reads the raw value without parsing the header or copying it into an array.
    private static string? TraceId(IApiResponse response) =>
        response.Headers?.NonValidated.TryGetValues(ContractHeaders.TraceId, out var values) == true && values.Count > 0 ? values.ToString() : null;

    private static IReadOnlyList<ErrorDetail> ReadErrors(string? content)
    {
        if (string.IsNullOrWhiteSpace(content))
        {
            return [];
        }

        try
        {
            var body = JsonSerializer.Deserialize(content, ContractJsonContext.Default.ErrorResponse);
            return body?.Errors.Select(e => e.Error).ToList() ?? [];
        }
        catch (JsonException)
        {
            return []; // Not an ErrorResponse (a proxy's page, say): the status still says what happened.
        }
    }
}
