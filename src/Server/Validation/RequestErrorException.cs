using Customers.Server.Errors;

namespace Customers.Server.Validation;

/// <summary>Carries a <see cref="RequestError"/> through MVC's ModelState to <see cref="RequestValidationFilter"/>.</summary>
public sealed class RequestErrorException(RequestError error) : Exception(error.Message)
{
    public RequestError Error { get; } = error;
}
