using System.Reflection;
using Customers.Server.Errors;

namespace Customers.Server.Tests;

/// <summary>What the service says about itself matches what the contract says.</summary>
public sealed class ContractConsistencyTests
{
    private static readonly string Contract = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "customers-v4.yaml"));

    [Fact]
    public void Every_error_code_the_service_uses_is_listed_in_the_contract_and_no_other()
    {
        var used = typeof(ErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (string)f.GetRawConstantValue()!)
            .Order()
            .ToList();
        var listed = System.Text.RegularExpressions.Regex.Matches(Contract, @"^\s*\| `([A-Z_]+)` \| \d{3} \|", System.Text.RegularExpressions.RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value)
            .Order()
            .ToList();

        Assert.Equal(listed, used);
    }
}
