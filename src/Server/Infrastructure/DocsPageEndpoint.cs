using Scalar.AspNetCore;

namespace Customers.Server.Infrastructure;

/// <summary>
/// The interactive docs page (Scalar) at <c>/docs/</c>, reading the served contract. Everything it
/// loads comes from this service: the script is embedded in Scalar.AspNetCore and served under
/// <c>/docs/</c>, the CDN fonts are off and the hosted extras (agent, MCP, developer toolbar) are
/// disabled, so the page works on a network with no internet access.
/// </summary>
public static class DocsPageEndpoint
{
    public const string Path = "/docs";

    public static IEndpointRouteBuilder MapDocsPage(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapScalarApiReference(Path, (options, context) =>
        {
            options
                .WithTitle("Customers API v4")
                .WithOpenApiRoutePattern(ContractDocumentEndpoint.Path)
                .DisableAgent()
                .DisableMcp();
            options.DefaultFonts = false;
            options.ShowDeveloperTools = DeveloperToolsVisibility.Never;
            // "Try it" calls the service that served the page, not the contract's local-run server.
            var request = context.Request;
            options.Servers = [new ScalarServer($"{request.Scheme}://{request.Host}{request.PathBase}", "This service")];
        });
        return endpoints;
    }
}
