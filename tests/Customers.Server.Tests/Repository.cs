namespace Customers.Server.Tests;

/// <summary>The repository the tests were built from (the folder of Customers.slnx).</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Customers.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("The repository root (Customers.slnx) is not above the test's folder.");
    }
}
