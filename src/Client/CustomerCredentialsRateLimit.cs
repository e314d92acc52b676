using System.Globalization;

namespace Customers.Client;

/// <summary>
/// An organization's rate limit as the service reports it in the RateLimit-Policy and RateLimit
/// fields (draft-ietf-httpapi-ratelimit-headers), for example <c>"writes";q=400;w=2</c> and
/// <c>"writes";r=0;t=1</c>. A parameter the service did not send is null.
/// </summary>
public sealed class CustomerCredentialsRateLimit
{
    /// <summary>Creates the value; the client reads it from headers, tests of consumers may create it.</summary>
    public CustomerCredentialsRateLimit(string policy, int? quota, TimeSpan? window, int? remaining, TimeSpan? reset)
    {
        Policy = policy;
        Quota = quota;
        Window = window;
        Remaining = remaining;
        Reset = reset;
    }

    /// <summary>The policy's name, for example <c>reads</c> or <c>writes</c>.</summary>
    public string Policy { get; }

    /// <summary>The burst the policy allows (<c>q</c>).</summary>
    public int? Quota { get; }

    /// <summary>The time in which an empty bucket refills (<c>w</c>).</summary>
    public TimeSpan? Window { get; }

    /// <summary>The requests left now (<c>r</c>).</summary>
    public int? Remaining { get; }

    /// <summary>The time until the next request is allowed (<c>t</c>).</summary>
    public TimeSpan? Reset { get; }

    internal static CustomerCredentialsRateLimit? From(IReadOnlyDictionary<string, string> headers)
    {
        var policy = headers.TryGetValue(ContractHeaders.RateLimitPolicy, out var p) ? Parse(p) : null;
        var state = headers.TryGetValue(ContractHeaders.RateLimit, out var s) ? Parse(s) : null;
        if (policy is null && state is null)
        {
            return null;
        }

        return new CustomerCredentialsRateLimit((policy ?? state)!.Value.Name, Number(policy, "q"), Seconds(policy, "w"), Number(state, "r"), Seconds(state, "t"));
    }

    // A structured-field item: a quoted or bare name, then ;key=value parameters. Only the first
    // item of a list is read: the service names one policy, the one that refused the request.
    private static (string Name, Dictionary<string, string> Parameters)? Parse(string field)
    {
        var parts = field.Split(',')[0].Split(';', StringSplitOptions.TrimEntries);
        if (parts[0].Length == 0)
        {
            return null;
        }

        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in parts.Skip(1))
        {
            if (part.Split('=', 2) is [var key, var value])
            {
                parameters[key] = value;
            }
        }

        return (parts[0].Trim('"'), parameters);
    }

    private static int? Number((string Name, Dictionary<string, string> Parameters)? item, string key) =>
        item?.Parameters.TryGetValue(key, out var value) == true && int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;

    private static TimeSpan? Seconds((string Name, Dictionary<string, string> Parameters)? item, string key) =>
        Number(item, key) is { } seconds ? TimeSpan.FromSeconds(seconds) : null;
}
