using System.Text.RegularExpressions;
using Customers.ContractChecks;
using Customers.Server.Contract;

namespace Customers.Server.Tests;

/// <summary>The error vocabulary lives in the contract only: the code generated from it is the only C# that names a code.</summary>
public sealed partial class VocabularyTests
{
    [Fact]
    public void No_error_code_is_written_by_hand_in_the_service_the_client_or_the_fake()
    {
        var codes = OpenApiContract.Default.Errors.Select(e => e.Code).ToHashSet(StringComparer.Ordinal);
        var sources = Directory.EnumerateFiles(Path.Combine(Repository.Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "obj" or "bin"))
            .ToList();
        Assert.NotEmpty(sources);

        var handWritten = sources
            .SelectMany(file => Literal().Matches(File.ReadAllText(file)).Select(m => (File: Path.GetRelativePath(Repository.Root, file), Code: m.Groups[1].Value)))
            .Where(found => codes.Contains(found.Code))
            .Select(found => $"{found.File}: \"{found.Code}\"")
            .ToList();

        Assert.True(handWritten.Count == 0, "Use the generated constants (ContractErrors, ErrorCodes, CustomerCredentialsErrorCodes) instead of:\n" + string.Join('\n', handWritten));
    }

    [Fact]
    public void The_services_error_catalog_is_the_contracts_x_error_codes()
    {
        var generated = ContractErrors.All.Select(e => (e.Code, e.Status, e.Title));
        var listed = OpenApiContract.Default.Errors.Select(e => (e.Code, e.Status, e.Title));

        Assert.Equal(listed, generated);
    }

    [Fact]
    public void No_request_header_of_the_gateway_is_written_by_hand()
    {
        string[] names = [ContractHeaders.Roles, ContractHeaders.Caller, ContractHeaders.IdempotencyKey, ContractHeaders.TraceId];
        var handWritten = Directory.EnumerateFiles(Path.Combine(Repository.Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "obj" or "bin"))
            .SelectMany(file => names.Where(name => File.ReadAllText(file).Contains($"\"{name}\"", StringComparison.OrdinalIgnoreCase))
                .Select(name => $"{Path.GetRelativePath(Repository.Root, file)}: \"{name}\""))
            .ToList();

        Assert.True(handWritten.Count == 0, "Use the generated ContractHeaders instead of:\n" + string.Join('\n', handWritten));
        Assert.Equal(("x-auth-caller", 256), (ContractHeaders.Caller, ContractHeaders.CallerMaxLength)); // as the contract's x-caller-header says
    }

    [GeneratedRegex("\"([A-Z][A-Z0-9_]{2,})\"")]
    private static partial Regex Literal();
}
