using Customers.Server.Contract;
using Microsoft.AspNetCore.Mvc;

namespace Customers.Server.Errors;

/// <summary>Turns <see cref="RequestError"/>s into the contract's ErrorResponse, as an action result or on the wire.</summary>
public static class ErrorResponses
{
    public static ErrorResponse From(IEnumerable<RequestError> errors) => new()
    {
        Errors = errors.Select(e => new ErrorEntry
        {
            Error = new ErrorDetail { Code = e.Code, Title = e.Title, Ref = e.Ref, Message = e.Message },
        }).ToList(),
    };

    /// <summary>An action result with the status of the first error and every error in the body.</summary>
    public static ObjectResult Result(params IReadOnlyList<RequestError> errors) =>
        new(From(errors)) { StatusCode = errors[0].Status, DeclaredType = typeof(ErrorResponse) };

    /// <summary>Writes the errors straight to the response, for code that runs outside MVC.</summary>
    public static Task WriteAsync(HttpContext context, params IReadOnlyList<RequestError> errors)
    {
        context.Response.StatusCode = errors[0].Status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return System.Text.Json.JsonSerializer.SerializeAsync(
            context.Response.Body, From(errors), ContractJsonContext.Default.ErrorResponse, context.RequestAborted);
    }
}
