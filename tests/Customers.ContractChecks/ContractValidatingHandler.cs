using System.Net;
using System.Text.Json;

namespace Customers.ContractChecks;

/// <summary>
/// Checks every response that passes through it against the contract, and throws
/// <see cref="ContractViolationException"/> (failing the test that sent the request) when:
/// the path and method are not in the contract (only 404 and 405 may answer those), the status is
/// not documented for the operation, the content type is not the documented one, or the body does
/// not match the documented schema, an error code is not the contract's for that status, or the body leaks internals (<see cref="InternalsLeak"/>). Each
/// (operation, status) seen is recorded for the coverage test.
/// </summary>
public sealed class ContractValidatingHandler : DelegatingHandler
{
    // Operational endpoints that are deliberately not part of the business contract.
    private static readonly string[] OutsideTheContract = ["/health/", "/openapi/", "/docs"];

    private readonly OpenApiContract _contract;
    private readonly bool _recordCoverage;

    /// <param name="contract">The contract; by default the repository's.</param>
    /// <param name="inner">The handler that sends, when the handler is not used in a pipeline.</param>
    /// <param name="recordCoverage">False for anything but the real service (a fake must not count as coverage).</param>
    public ContractValidatingHandler(OpenApiContract? contract = null, HttpMessageHandler? inner = null, bool recordCoverage = true)
    {
        _contract = contract ?? OpenApiContract.Default;
        _recordCoverage = recordCoverage;
        if (inner is not null)
        {
            InnerHandler = inner;
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        var path = request.RequestUri!.AbsolutePath;
        if (OutsideTheContract.Any(prefix => path.StartsWith(prefix, StringComparison.Ordinal)))
        {
            return response;
        }

        var status = (int)response.StatusCode;
        var method = request.Method.Method;
        if (response.Content is not null)
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            var leak = InternalsLeak.Find(await response.Content.ReadAsStringAsync(cancellationToken));
            Require(leak is null, $"{method} {path} → {status}: {leak}.");
        }

        // The HTTP server's own refusals (the contract's description lists them): the service never
        // ran, so there is no body and no x-trace-id. An answer of the service always has x-trace-id.
        if (status is 400 or 414 or 431 && !response.Headers.Contains("x-trace-id")
            && (response.Content is null || (await response.Content.ReadAsByteArrayAsync(cancellationToken)).Length == 0))
        {
            return response;
        }

        // Every other answer is the service's, and the contract gives every response its trace id header.
        var traceId = response.Headers.TryGetValues(_contract.TraceIdHeader.Name, out var traceIds) ? string.Join(",", traceIds) : null;
        Require(traceId is not null && _contract.TraceIdHeader.Pattern.IsMatch(traceId),
            $"{method} {path} → {status}: the {_contract.TraceIdHeader.Name} header is {(traceId is null ? "missing" : $"'{traceId}', which does not match {_contract.TraceIdHeader.Pattern}")}.");

        var atPath = _contract.OperationsAt(path);
        if (atPath.Count == 0)
        {
            Require(status == 404, $"{method} {path}: no path of the contract matches, so only 404 may answer; got {status}.");
            return response;
        }

        var operation = atPath.FirstOrDefault(o => o.Method == method);
        if (operation is null)
        {
            Require(status == 405, $"{method} {path}: the contract has no {method} here, so only 405 may answer; got {status}.");
            var documented = atPath.Select(o => o.Method).Order().ToList();
            var allowed = (response.Content?.Headers.Allow ?? []).Concat(response.Headers.TryGetValues("Allow", out var values) ? values : []).SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).Distinct().Order().ToList();
            Require(allowed.SequenceEqual(documented), $"{method} {path} → 405: Allow is [{string.Join(", ", allowed)}], the contract documents [{string.Join(", ", documented)}].");
            Require(response.Content is null || (await response.Content.ReadAsByteArrayAsync(cancellationToken)).Length == 0, $"{method} {path} → 405 must have no body.");
            foreach (var neighbour in atPath)
            {
                Record(neighbour.OperationId, status);
            }

            return response;
        }

        if (!operation.Responses.TryGetValue(status, out var documentedResponse))
        {
            throw Violation(operation, status, "/", $"status {status} is not documented (documented: {string.Join(", ", operation.Responses.Keys)}).");
        }

        if (response.Content is not null)
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
        }

        var bytes = response.Content is null ? [] : await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var mediaType = response.Content?.Headers.ContentType?.MediaType;
        if (documentedResponse.MediaType is null)
        {
            if (bytes.Length > 0)
            {
                throw Violation(operation, status, "/", $"the contract documents no body, but the response has {bytes.Length} bytes ({mediaType}).");
            }

            Record(operation.OperationId, status); // Only a response that met the contract counts as coverage.
            return response;
        }

        if (!string.Equals(mediaType, documentedResponse.MediaType, StringComparison.OrdinalIgnoreCase))
        {
            throw Violation(operation, status, "/", $"Content-Type is '{mediaType}', the contract documents '{documentedResponse.MediaType}'.");
        }

        JsonElement body;
        try
        {
            using var document = JsonDocument.Parse(bytes);
            body = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw Violation(operation, status, "/", $"the body is not JSON: {e.Message}");
        }

        var problems = documentedResponse.Validate(body);
        if (problems.Count > 0)
        {
            throw Violation(operation, status, problems[0].Split(':')[0], string.Join("; ", problems) + $" Body: {System.Text.Encoding.UTF8.GetString(bytes)}");
        }

        // Each error code must be the contract's (x-error-codes), with the status and title it gives it.
        if (status >= 400 && body.TryGetProperty("errors", out var errors))
        {
            foreach (var error in errors.EnumerateArray().Select(e => e.GetProperty("error")))
            {
                var code = error.GetProperty("code").GetString()!;
                var title = error.GetProperty("title").GetString();
                var listed = _contract.Errors.FirstOrDefault(e => e.Code == code);
                if (listed is null || listed.Status != status || listed.Title != title)
                {
                    throw Violation(operation, status, "/errors", $"error code {code} with title '{title}' is " +
                        (listed is null ? "not in the contract's x-error-codes" : $"listed with status {listed.Status} and title '{listed.Title}' in x-error-codes") + ".");
                }
            }
        }

        Record(operation.OperationId, status);
        return response;
    }

    private void Record(string operationId, int status)
    {
        if (_recordCoverage)
        {
            ContractCoverage.Record(operationId, status);
        }
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ContractViolationException(message);
        }
    }

    private static ContractViolationException Violation(ContractOperation operation, int status, string pointer, string message) =>
        new($"Contract violation: {operation.OperationId} answered {status}, at {pointer}: {message}");
}
