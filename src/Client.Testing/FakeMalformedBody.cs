using System.Text.Json.Nodes;

namespace Customers.Client.Testing;

/// <summary>Breaks a success body the way the contract forbids and real proxies and bugs do: the first field of the first object becomes null.</summary>
internal static class FakeMalformedBody
{
    public static string? Break(string? body)
    {
        if (body is null || JsonNode.Parse(body) is not JsonObject root)
        {
            return body;
        }

        var target = root;
        // Into a list's first item when the first field is a non-empty list ({"credentials":[{…}]}): a null deep inside.
        if (root.FirstOrDefault().Value is JsonArray { Count: > 0 } list && list[0] is JsonObject item)
        {
            target = item;
        }

        if (target.FirstOrDefault().Key is { } name)
        {
            target[name] = null;
        }

        return root.ToJsonString();
    }
}
