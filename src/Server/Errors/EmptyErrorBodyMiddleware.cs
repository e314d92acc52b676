namespace Customers.Server.Errors;

/// <summary>
/// Routing answers some requests itself, with an empty body: a path that no operation has (404)
/// and a body in a media type that the operation does not read (415); host filtering refuses a
/// Host that AllowedHosts does not name (400). Each gets an ErrorResponse.
/// A known path with an unsupported method keeps routing's 405 with Allow and no body, as the
/// contract documents.
/// </summary>
public sealed class EmptyErrorBodyMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);
        if (context.Response.HasStarted)
        {
            return;
        }

        var error = context.Response.StatusCode switch
        {
            // Only host filtering answers 400 before routing has chosen an endpoint.
            StatusCodes.Status400BadRequest when context.GetEndpoint() is null => Problems.InvalidHost(),
            StatusCodes.Status404NotFound when context.GetEndpoint() is null => Problems.ResourceNotFound(),
            StatusCodes.Status415UnsupportedMediaType => Problems.UnsupportedMediaType(),
            _ => null,
        };
        if (error is not null)
        {
            context.Response.ContentLength = null;
            await ErrorResponses.WriteAsync(context, error);
        }
    }
}
