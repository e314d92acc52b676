using System.Net;
using System.Text.Json;
using Customers.Client.Models;
using Refit;

namespace Customers.Client;

/// <summary>Turns Refit's responses into results or into <see cref="CustomerCredentialsException"/>.</summary>
internal static class ResponseReader
{
    internal const string TraceIdHeader = "x-trace-id";

    public static T Content<T>(IApiResponse<T> response, CancellationToken cancellationToken)
    {
        using (response)
        {
            if (response.IsSuccessfulWithContent)
            {
                return response.Content;
            }

            throw Failure(response, cancellationToken);
        }
    }

    public static void Success(IApiResponse response, CancellationToken cancellationToken)
    {
        using (response)
        {
            if (!response.IsSuccessful)
            {
                throw Failure(response, cancellationToken);
            }
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
            return new CustomerCredentialsException($"The call to the customers service failed before a response arrived: {inner.Message}", 0, innerException: inner);
        }

        var status = (int)(response.StatusCode ?? 0);
        var traceId = response.Headers?.TryGetValues(TraceIdHeader, out var values) == true ? values.FirstOrDefault() : null;
        if (response.IsSuccessStatusCode)
        {
            return new CustomerCredentialsException(
                $"The customers service answered {status} with a body that does not match the contract.", status, traceId: traceId, innerException: response.Error);
        }

        var errors = ReadErrors(response.HasResponseError(out var apiException) ? apiException.Content : null);
        var first = errors.Count > 0 ? $"{errors[0].Code}: {errors[0].Message}" : ((HttpStatusCode)status).ToString();
        return new CustomerCredentialsException($"The customers service answered {status} ({first}).", status, errors, traceId, response.Error);
    }

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
