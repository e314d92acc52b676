namespace Customers.Client.Testing;

/// <summary>A request the fake received, and how it answered.</summary>
public sealed class FakeReceivedRequest
{
    internal FakeReceivedRequest(string method, string path, string? operationId, IReadOnlyDictionary<string, string> headers, string? body, int status,
        DateTimeOffset receivedAt, DateTimeOffset answeredAt)
    {
        ReceivedAt = receivedAt;
        AnsweredAt = answeredAt;
        Method = method;
        Path = path;
        OperationId = operationId;
        Headers = headers;
        Body = body;
        Status = status;
    }

    /// <summary>The HTTP method.</summary>
    public string Method { get; }

    /// <summary>The path, as sent.</summary>
    public string Path { get; }

    /// <summary>The contract's operation of that path and method, or null.</summary>
    public string? OperationId { get; }

    /// <summary>The request's headers, names in lower case.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>The body, or null.</summary>
    public string? Body { get; }

    /// <summary>The status answered; 0 when the connection was dropped.</summary>
    public int Status { get; }

    /// <summary>When the request arrived (UTC, the system clock): the gaps between attempts show a client's backoff.</summary>
    public DateTimeOffset ReceivedAt { get; }

    /// <summary>When the fake answered it (UTC, the system clock), after any injected latency.</summary>
    public DateTimeOffset AnsweredAt { get; }
}
