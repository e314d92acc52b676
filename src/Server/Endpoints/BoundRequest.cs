using Customers.Server.Contract;
using Customers.Server.Storage;

namespace Customers.Server.Endpoints;

/// <summary>
/// A request that passed every rule of its operation: its parameters as sent (uuids parsed), the
/// body as its DTO, and the Idempotency-Key with the request's fingerprint. The generated endpoint
/// reads the arguments of the operation's method from it, by the contract's parameter names.
/// </summary>
internal sealed class BoundRequest
{
    private readonly OperationRule _operation;
    private readonly string?[] _values;
    private readonly Guid[] _uuids;
    private readonly object? _body;

    internal BoundRequest(OperationRule operation, string?[] values, Guid[] uuids, object? body, IdempotencyKey? idempotencyKey)
    {
        (_operation, _values, _uuids, _body) = (operation, values, uuids, body);
        IdempotencyKey = idempotencyKey;
    }

    /// <summary>The Idempotency-Key (x-idempotency-key) with the fingerprint of this request, or null when the request has none.</summary>
    public IdempotencyKey? IdempotencyKey { get; }

    /// <summary>A required path, query or header parameter.</summary>
    public string Text(string name) => _values[IndexOf(name)] ?? throw new InvalidOperationException($"{_operation.Id}: {name} is required, and was bound without a value.");

    /// <summary>An optional query or header parameter; null when absent.</summary>
    public string? OptionalText(string name) => _values[IndexOf(name)];

    /// <summary>A path parameter of format uuid.</summary>
    public Guid Uuid(string name) => _uuids[IndexOf(name)];

    /// <summary>The body, deserialized by the contract's JSON context.</summary>
    public T Body<T>()
        where T : class => _body as T ?? throw new InvalidOperationException($"{_operation.Id} has no body of type {typeof(T).Name}.");

    // A handful of parameters: a scan is cheaper than a dictionary.
    private int IndexOf(string name)
    {
        var parameters = _operation.Parameters;
        for (var i = 0; i < parameters.Count; i++)
        {
            if (parameters[i].Name == name)
            {
                return i;
            }
        }

        throw new InvalidOperationException($"{_operation.Id} has no parameter {name}.");
    }
}
