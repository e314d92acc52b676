using System.Text.Json;
using Customers.Client.Models;

namespace Customers.Client;

/// <summary>Reads the first error code of an error answer inside a handler, leaving the body buffered for whoever reads it next.</summary>
internal static class ErrorCodeReader
{
    public static async Task<string?> FirstCodeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var errors = JsonSerializer.Deserialize(body, ContractJsonContext.Default.ErrorResponse);
            return errors?.Errors.Count > 0 ? errors.Errors[0].Error.Code : null;
        }
        catch (JsonException)
        {
            return null; // Not an ErrorResponse: a proxy's page, say.
        }
    }
}
