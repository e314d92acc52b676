using System.Text.Json;
using Customers.Client.Models;

namespace Customers.Client;

/// <summary>Reads the first error of an error answer inside a handler, leaving the body buffered for whoever reads it next.</summary>
internal static class ErrorCodeReader
{
    public static async Task<string?> FirstCodeAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        (await FirstErrorAsync(response, cancellationToken).ConfigureAwait(false)).Code;

    /// <summary>The first error's code and ref, or nulls when the body is not an ErrorResponse.</summary>
    public static async Task<(string? Code, string? Ref)> FirstErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var errors = JsonSerializer.Deserialize(body, ContractJsonContext.Default.ErrorResponse);
            return errors?.Errors.Count > 0 ? (errors.Errors[0].Error.Code, errors.Errors[0].Error.Ref) : (null, null);
        }
        catch (JsonException)
        {
            return (null, null); // Not an ErrorResponse: a proxy's page, say.
        }
    }
}
