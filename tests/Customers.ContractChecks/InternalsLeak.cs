using System.Text.RegularExpressions;

namespace Customers.ContractChecks;

/// <summary>
/// What must never reach a caller: a .NET stack trace or exception type, SQL, or a server file path.
/// Every response the validating handler sees is checked, so every test enforces it.
/// </summary>
public static partial class InternalsLeak
{
    /// <summary>A description of the first leak in <paramref name="body"/>, or null.</summary>
    public static string? Find(string body)
    {
        var match = Leak().Match(body);
        return match.Success ? $"the body contains \"{match.Value}\", which looks like a stack trace, SQL or a server path" : null;
    }

    [GeneratedRegex("""
        \bat\s+[\w.`<>]+\.[\w<>]+\(             # a stack frame: "at Namespace.Type.Method("
        | \.cs:line\s\d+                         # a source line
        | \b(?:System|Microsoft|Npgsql|SQLitePCL)\.[\w.]*Exception\b  # an exception type
        | \b(?:SELECT\s.+\sFROM|INSERT\sINTO|DELETE\sFROM|UPDATE\s\w+\sSET|CREATE\sTABLE)\b  # SQL
        | \bSQLite\sError\b | \b\d{5}:\s             # SQLite's and PostgreSQL's error texts
        | (?<![\w.])/(?:tmp|home|work|usr|var|root|app|proc|etc)/   # a Unix path
        | \b[A-Z]:\\                              # a Windows path
        """, RegexOptions.IgnorePatternWhitespace | RegexOptions.CultureInvariant)]
    private static partial Regex Leak();
}
