using Customers.Server.Errors;

namespace Customers.Server.Endpoints;

/// <summary>
/// What an operation with a response body returns: its success value, answered with the status the
/// contract gives the operation's success, or the <see cref="RequestError"/> to answer instead.
/// Converts from either, so an implementation returns the DTO or the error as it is.
/// </summary>
public readonly struct ContractResult<T>
    where T : class
{
    private ContractResult(T? value, RequestError? error) => (Value, Error) = (value, error);

    public T? Value { get; }

    public RequestError? Error { get; }

    public static implicit operator ContractResult<T>(T value) => new(value ?? throw new ArgumentNullException(nameof(value)), null);

    public static implicit operator ContractResult<T>(RequestError error) => new(null, error ?? throw new ArgumentNullException(nameof(error)));
}

/// <summary>What an operation without a response body (204) returns: <see cref="Success"/>, or the <see cref="RequestError"/> to answer instead.</summary>
public readonly struct ContractResult
{
    private ContractResult(RequestError? error) => Error = error;

    /// <summary>Done: answered with the contract's success status and no body.</summary>
    public static ContractResult Success => default;

    public RequestError? Error { get; }

    public static implicit operator ContractResult(RequestError error) => new(error ?? throw new ArgumentNullException(nameof(error)));
}
