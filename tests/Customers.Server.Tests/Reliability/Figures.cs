using Xunit.Abstractions;

namespace Customers.Server.Tests.Reliability;

/// <summary>
/// What a reliability test measured, in its test output and in TEST_ARTIFACTS_DIR/figures.txt,
/// which tests/run.sh prints at the end of the run.
/// </summary>
public static class Figures
{
    private static readonly Lock Gate = new();

    public static void Report(ITestOutputHelper output, string test, string figures)
    {
        output.WriteLine(figures);
        var directory = Environment.GetEnvironmentVariable("TEST_ARTIFACTS_DIR");
        if (string.IsNullOrEmpty(directory))
        {
            return;
        }

        Directory.CreateDirectory(directory);
        lock (Gate)
        {
            File.AppendAllText(Path.Combine(directory, "figures.txt"), $"{test}: {figures}{Environment.NewLine}");
        }
    }
}
