using Customers.Client.Models;

namespace Customers.Client.Testing;

/// <summary>A request the fake refuses, with the status, code and place the real service gives.</summary>
internal sealed class FakeError(int status, string code, string title, string reference, string message) : Exception(message)
{
    public int Status { get; } = status;

    public ErrorResponse ToResponse() => new()
    {
        Errors = [new ErrorEntry { Error = new ErrorDetail { Code = code, Title = title, Ref = reference, Message = Message } }],
    };

    public static FakeError BadRequest(string code, string title, string reference, string message) => new(400, code, title, reference, message);
}
