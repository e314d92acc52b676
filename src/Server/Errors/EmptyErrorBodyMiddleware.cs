namespace Customers.Server.Errors;

/// <summary>
/// Routing answers a path that no operation has itself, with an empty 404; host filtering refuses
/// a Host that AllowedHosts does not name with an empty 400. Each gets an ErrorResponse. (A body's
/// media type is the generated endpoints' to judge: RequestBodyReader answers 415.)
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
            StatusCodes.Status400BadRequest when context.GetEndpoint() is null => ServiceErrors.InvalidHost(),
            StatusCodes.Status404NotFound when context.GetEndpoint() is null => ServiceErrors.ResourceNotFound(),
            _ => null,
        };
        if (error is not null)
        {
            context.Response.ContentLength = null;
            await ErrorResponses.WriteAsync(context, error);
        }
    }
}
