using Customers.ContractChecks;
using Coverage = Customers.ContractChecks.ContractCoverage;

namespace Customers.ContractCoverage.Tests;

public sealed class StatusCoverageTests
{
    [Fact]
    public void Every_documented_status_of_every_operation_was_produced_by_a_test_against_the_real_service()
    {
        var directory = Environment.GetEnvironmentVariable(Coverage.DirectoryVariable);
        Assert.False(string.IsNullOrEmpty(directory) || !Directory.Exists(directory),
            $"{Coverage.DirectoryVariable} must name the folder where the other suites recorded what they saw; tests/run.sh sets it and runs this suite last.");

        var produced = Coverage.Read(directory!);
        var missing = OpenApiContract.Default.Operations
            .SelectMany(o => o.Responses.Keys.Select(status => (o.OperationId, Status: status)))
            .Where(pair => !produced.Contains(pair))
            .Select(pair => $"{pair.OperationId} {pair.Status}")
            .ToList();

        Assert.True(missing.Count == 0, $"No test made the service answer these documented pairs:\n  {string.Join("\n  ", missing)}");
    }
}
