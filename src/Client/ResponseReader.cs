using System.Net;
using System.Net.Sockets;
using System.Text;
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
    public static CustomerCredentialsResponse<T> Read<T>(IApiResponse<T> response, OperationRule operation, string? idempotencyKey, CancellationToken cancellationToken)
    {
        using (response)
        {
            if (response.IsSuccessStatusCode && ContractViolation(response, operation, idempotencyKey) is { } violation)
            {
                throw violation;
            }

            if (!response.IsSuccessfulWithContent)
            {
                throw Failure(response, idempotencyKey, cancellationToken);
            }

            var read = new CustomerCredentialsResponse<T>(response.Content, (int)(response.StatusCode ?? 0), TraceId(response), idempotencyKey);
            read.Received(response.Headers!, response.ContentHeaders);
            return read;
        }
    }

    public static CustomerCredentialsResponse Read(IApiResponse response, OperationRule operation, CancellationToken cancellationToken)
    {
        using (response)
        {
            if (response.IsSuccessStatusCode && ContractViolation(response, operation, null) is { } violation)
            {
                throw violation;
            }

            if (!response.IsSuccessful)
            {
                throw Failure(response, null, cancellationToken);
            }

            var read = new CustomerCredentialsResponse((int)(response.StatusCode ?? 0), TraceId(response), null);
            read.Received(response.Headers!, response.ContentHeaders);
            return read;
        }
    }

    public static Exception Failure(IApiResponse response, string? idempotencyKey, CancellationToken cancellationToken)
    {
        if (response.HasRequestError(out var requestError))
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return new OperationCanceledException(cancellationToken);
            }

            var inner = requestError.InnerException ?? requestError;
            var kind = KindOf(inner);
            return new CustomerCredentialsException($"The call to the customers service failed before a response arrived: {inner.Message}", 0,
                innerException: inner, kind: kind)
            {
                IdempotencyKey = idempotencyKey,
                OutcomeUnknown = idempotencyKey is not null && MayHaveBeenSent(kind, inner),
            };
        }

        var status = (int)(response.StatusCode ?? 0);
        var traceId = TraceId(response);
        var headers = ResponseHeaders.Of(response.Headers, response.ContentHeaders);
        var body = response.HasResponseError(out var apiException) ? apiException.Content : null;
        if (response.IsSuccessStatusCode)
        {
            return new CustomerCredentialsException(
                $"The customers service answered {status} with a body that does not match the contract.", status, traceId: traceId, innerException: response.Error,
                kind: CustomerCredentialsFailureKind.ContractViolation)
            { IdempotencyKey = idempotencyKey, Headers = headers, RawBody = body };
        }

        var errors = ReadErrors(body);
        var first = errors.Count > 0 ? $"{errors[0].Code}: {errors[0].Message}" : ((HttpStatusCode)status).ToString();
        var code = errors.Count > 0 ? errors[0].Code : null;
        return new CustomerCredentialsException($"The customers service answered {status} ({first}).", status, errors, traceId, response.Error,
            status == 429 ? CustomerCredentialsFailureKind.RateLimited : CustomerCredentialsFailureKind.ServiceAnswered)
        {
            IdempotencyKey = idempotencyKey,
            OutcomeUnknown = idempotencyKey is not null && MayHaveBeenApplied(status, code),
            RetryAfter = RetryAfter(response.Headers?.RetryAfter),
            Headers = headers,
            RawBody = body,
        };
    }

    public static CustomerCredentialsFailureKind KindOf(Exception exception) => exception switch
    {
        AccessTokenSourceException => CustomerCredentialsFailureKind.TokenSourceFailed,
        TimeoutRejectedException or TaskCanceledException or TimeoutException => CustomerCredentialsFailureKind.Timeout,
        BrokenCircuitException => CustomerCredentialsFailureKind.CircuitOpen,
        RateLimiterRejectedException => CustomerCredentialsFailureKind.Throttled,
        HttpRequestException or IOException or SocketException => CustomerCredentialsFailureKind.Network,
        _ when exception.InnerException is { } inner => KindOf(inner),
        _ => CustomerCredentialsFailureKind.Network,
    };

    /// <summary>The wait a Retry-After asks for (seconds or a date), or null.</summary>
    public static TimeSpan? RetryAfter(System.Net.Http.Headers.RetryConditionHeaderValue? retryAfter) => retryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    // The service documents which answers leave a create's outcome unknown: the repository's
    // failures (503 REPOSITORY_UNAVAILABLE, 504) and an unexpected 500. A proxy's 502 is unknown
    // too. 503 SERVICE_OVERLOADED and 429 are refusals before anything was done.
    private static bool MayHaveBeenApplied(int status, string? code) => status switch
    {
        500 or 502 or 504 => true,
        503 => code != CustomerCredentialsErrorCodes.ServiceOverloaded,
        _ => false,
    };

    // A timeout or a connection lost after sending may hide an applied create; a connection that
    // was never made, a refusal by the client's own breaker or limiter, or a failing token source
    // sent nothing.
    private static bool MayHaveBeenSent(CustomerCredentialsFailureKind kind, Exception inner) => kind switch
    {
        CustomerCredentialsFailureKind.Timeout => true,
        CustomerCredentialsFailureKind.Network => Find<HttpRequestException>(inner)?.HttpRequestError is not (HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError),
        _ => false,
    };

    private static T? Find<T>(Exception? exception) where T : Exception
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is T found)
            {
                return found;
            }
        }

        return null;
    }

    private static CustomerCredentialsException? ContractViolation(IApiResponse response, OperationRule operation, string? idempotencyKey)
    {
        if (response.RequestMessage?.Options.TryGetValue(SuccessBodyHandler.Body, out var body) != true || body is null)
        {
            return null;
        }

        var status = (int)(response.StatusCode ?? 0);
        var problem = ContractResponseSchemas.For(operation.Id, status) is { } schema ? ResponseSchemaCheck.Check(body, schema) : null;
        return problem is null
            ? null
            : new CustomerCredentialsException($"The customers service answered {status} with a body that does not match the contract: {problem}.", status,
                traceId: TraceId(response), kind: CustomerCredentialsFailureKind.ContractViolation)
            {
                IdempotencyKey = idempotencyKey,
                Headers = ResponseHeaders.Of(response.Headers, response.ContentHeaders),
                RawBody = Encoding.UTF8.GetString(body),
            };
    }

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
