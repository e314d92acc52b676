using Customers.Client.Models;

namespace Customers.Client.Testing;

/// <summary>A request the fake refuses: the contract's error (code, status, title), where, and what was wrong.</summary>
internal sealed class FakeError(ContractError error, string reference, string message) : Exception(message)
{
    public int Status => error.Status;

    public ErrorResponse ToResponse() => new()
    {
        Errors = [new ErrorEntry { Error = new ErrorDetail { Code = error.Code, Title = error.Title, Ref = reference, Message = Message } }],
    };
}
