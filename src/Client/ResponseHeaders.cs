using System.Net.Http.Headers;

namespace Customers.Client;

/// <summary>Copies a response's headers into the plain dictionary the public API shows, so callers need no HttpClient types.</summary>
internal static class ResponseHeaders
{
    public static IReadOnlyDictionary<string, string> Of(HttpResponseHeaders? headers, HttpContentHeaders? contentHeaders)
    {
        var all = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        Add(all, headers);
        Add(all, contentHeaders);
        return all;
    }

    private static void Add(Dictionary<string, string> all, HttpHeaders? headers)
    {
        if (headers is null)
        {
            return;
        }

        // NonValidated: the values as received, not reparsed or reformatted.
        foreach (var (name, values) in headers.NonValidated)
        {
            all[name] = string.Join(", ", values);
        }
    }
}
