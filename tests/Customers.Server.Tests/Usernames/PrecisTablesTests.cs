using System.Diagnostics;

namespace Customers.Server.Tests.Usernames;

/// <summary>
/// The committed Unicode tables are exactly what the generator writes from the Unicode Character
/// Database of Debian's unicode-data package: nobody edited them by hand, and they can be rebuilt.
/// </summary>
public sealed class PrecisTablesTests
{
    private const string Ucd = "/usr/share/unicode";

    [SkippableFact]
    [Trait("Tier", "Slow")]
    [Trait("Needs", "unicode-data")]
    [Trait("Needs", "Processes")]
    public async Task The_committed_tables_are_what_the_generator_writes_from_the_unicode_data()
    {
        var ci = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        Skip.If(!File.Exists(Path.Combine(Ucd, "UnicodeData.txt")) && !ci,
            $"SKIPPED, NO UNICODE DATA: {Ucd} is missing (apt-get install unicode-data; CI installs it)");

        var root = Repository.Root;
        var committed = Path.Combine(root, "src", "Shared", "Precis", "PrecisTables.cs");
        var expected = await File.ReadAllTextAsync(committed);
        var copy = Path.Combine(Path.GetTempPath(), $"precis-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(copy, "build", "unicode"));
        Directory.CreateDirectory(Path.Combine(copy, "src", "Shared", "Precis"));
        File.Copy(Path.Combine(root, "build", "unicode", "generate-precis-tables.py"), Path.Combine(copy, "build", "unicode", "generate-precis-tables.py"));

        using var process = Process.Start(new ProcessStartInfo("python3", [Path.Combine(copy, "build", "unicode", "generate-precis-tables.py"), Ucd])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, error);

        var generated = await File.ReadAllTextAsync(Path.Combine(copy, "src", "Shared", "Precis", "PrecisTables.cs"));
        Directory.Delete(copy, recursive: true);
        Assert.True(expected == generated, "src/Shared/Precis/PrecisTables.cs differs from the generator's output: run build/unicode/generate-precis-tables.py");
    }
}
