namespace Customers.Server.Tests.Postgres;

/// <summary>
/// Tests that need a real PostgreSQL server call <see cref="SkipIfUnavailable"/> first. Where the
/// binaries are missing the test is skipped with the reason, except under CI=true: there it runs
/// on and fails, so CI never skips PostgreSQL.
/// </summary>
public static class PostgresRequirement
{
    public static void SkipIfUnavailable()
    {
        var ci = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        Skip.If(PostgresCluster.Unavailable is not null && !ci, $"SKIPPED, NO POSTGRESQL: {PostgresCluster.Unavailable}");
    }
}
