using System.Reflection;
using Customers.ContractChecks;
using Customers.Server.Errors;

namespace Customers.Server.Tests;

/// <summary>What the service says about itself matches what the contract says.</summary>
public sealed class ContractConsistencyTests
{
    [Fact]
    public void Every_error_code_the_service_uses_is_listed_in_the_contract_and_no_other()
    {
        var used = typeof(ErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (string)f.GetRawConstantValue()!)
            .Order()
            .ToList();
        var listed = OpenApiContract.Default.ErrorCodes.Keys.Order().ToList();

        Assert.Equal(listed, used);
    }
}
