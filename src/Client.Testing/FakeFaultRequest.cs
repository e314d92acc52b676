namespace Customers.Client.Testing;

/// <summary>What a fault's condition (<see cref="FakeFault.When"/>) sees of a request.</summary>
public sealed class FakeFaultRequest
{
    internal FakeFaultRequest(string method, string path, string? operationId, string? orgId, Guid? customerId, IReadOnlyDictionary<string, string> headers, string? body)
    {
        Method = method;
        Path = path;
        OperationId = operationId;
        OrgId = orgId;
        CustomerId = customerId;
        Headers = headers;
        Body = body;
    }

    /// <summary>The HTTP method.</summary>
    public string Method { get; }

    /// <summary>The path, as sent.</summary>
    public string Path { get; }

    /// <summary>The contract's operation of that path and method, or null.</summary>
    public string? OperationId { get; }

    /// <summary>The organization in the path, or null.</summary>
    public string? OrgId { get; }

    /// <summary>The customer in the path, or null (none, or not a uuid).</summary>
    public Guid? CustomerId { get; }

    /// <summary>The request's headers, names in lower case.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>The body, or null.</summary>
    public string? Body { get; }
}
