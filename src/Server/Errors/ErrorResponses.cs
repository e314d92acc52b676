using Customers.Server.Contract;

namespace Customers.Server.Errors;

/// <summary>
/// The one writer of error answers: every <see cref="RequestError"/> the service answers becomes the
/// contract's ErrorResponse here, whoever decided it (the endpoint pipeline, an operation's result,
/// the exception handler, the fix-up of the framework's empty answers).
/// </summary>
public static class ErrorResponses
{
    public static ErrorResponse From(IEnumerable<RequestError> errors) => new()
    {
        Errors = errors.Select(e => new ErrorEntry
        {
            Error = new ErrorDetail { Code = e.Code, Title = e.Title, Ref = e.Ref, Message = e.Message },
        }).ToList(),
    };

    /// <summary>Writes the errors as the response: the status of the first, every error in the body.</summary>
    public static Task WriteAsync(HttpContext context, params IReadOnlyList<RequestError> errors)
    {
        context.Response.StatusCode = errors[0].Status;
        CloseIfBodyIsLeftUnread(context);
        context.Response.ContentType = "application/json; charset=utf-8";
        // Bytes with a Content-Length, as a success body goes out: an error is a few hundred bytes.
        var body = Endpoints.ResponseJson.Serialize(From(errors), ContractJsonContext.Default.ErrorResponse);
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    /// <summary>
    /// A 413 leaves the rest of an over-large body unread, and Kestrel cannot drain it past the
    /// limit: it would drop the connection under a keep-alive client's next request. Saying
    /// Connection: close makes the client open a new connection instead.
    /// </summary>
    private static void CloseIfBodyIsLeftUnread(HttpContext context)
    {
        if (context.Response.StatusCode == StatusCodes.Status413PayloadTooLarge && !context.Response.HasStarted)
        {
            context.Response.Headers.Connection = "close";
        }
    }
}
