namespace Customers.Client.Testing;

/// <summary>Matches a request path against a contract path template such as <c>/v4/orgs/{org_id}/customers</c>.</summary>
internal static class FakeRoute
{
    /// <summary>The template's parameters with their (unescaped) values, or null when the path is not the template's.</summary>
    public static Dictionary<string, string>? Match(string template, string path)
    {
        var expected = template.Split('/');
        var actual = path.Split('/');
        if (expected.Length != actual.Length)
        {
            return null;
        }

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < expected.Length; i++)
        {
            if (expected[i] is ['{', .., '}'])
            {
                if (actual[i].Length == 0)
                {
                    return null;
                }

                values[expected[i][1..^1]] = Uri.UnescapeDataString(actual[i]);
            }
            else if (!string.Equals(expected[i], actual[i], StringComparison.Ordinal))
            {
                return null;
            }
        }

        return values;
    }
}
