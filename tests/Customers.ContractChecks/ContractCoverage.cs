namespace Customers.ContractChecks;

/// <summary>
/// Records which (operationId, status) pairs the tests produced against the real service, one line
/// each, in a file per test process under the folder that <c>CONTRACT_COVERAGE_DIR</c> names
/// (tests/run.sh sets it; when it is unset nothing is recorded). The coverage test reads them all.
/// </summary>
public static class ContractCoverage
{
    public const string DirectoryVariable = "CONTRACT_COVERAGE_DIR";

    private static readonly object Gate = new();
    private static readonly HashSet<string> Seen = [];

    public static void Record(string operationId, int status)
    {
        var directory = Environment.GetEnvironmentVariable(DirectoryVariable);
        if (string.IsNullOrEmpty(directory))
        {
            return;
        }

        var line = $"{operationId} {status}";
        lock (Gate)
        {
            if (!Seen.Add(line))
            {
                return;
            }

            Directory.CreateDirectory(directory);
            File.AppendAllLines(Path.Combine(directory, $"{AppDomain.CurrentDomain.FriendlyName}-{Environment.ProcessId}.txt"), [line]);
        }
    }

    /// <summary>Every pair recorded under <paramref name="directory"/>.</summary>
    public static IReadOnlySet<(string OperationId, int Status)> Read(string directory) =>
        Directory.EnumerateFiles(directory, "*.txt")
            .SelectMany(File.ReadAllLines)
            .Select(line => line.Split(' '))
            .Select(parts => (parts[0], int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture)))
            .ToHashSet();
}
