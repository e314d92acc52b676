namespace Customers.Server.Infrastructure;

/// <summary>
/// Serves the contract, <c>openapi/customers-v4.yaml</c>, byte for byte as the repository has it: the
/// file is embedded in the assembly at build time, so the served document cannot drift from the
/// one the code was generated from.
/// </summary>
public static class ContractDocumentEndpoint
{
    public const string Path = "/openapi/customers-v4.yaml";

    private static readonly Lazy<byte[]> Document = new(() =>
    {
        using var stream = typeof(ContractDocumentEndpoint).Assembly.GetManifestResourceStream("customers-v4.yaml")
            ?? throw new InvalidOperationException("The contract is not embedded in the assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    public static IEndpointRouteBuilder MapContractDocument(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, () => Results.Bytes(Document.Value, "application/yaml"));
        return endpoints;
    }
}
