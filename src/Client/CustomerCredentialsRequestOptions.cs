namespace Customers.Client;

/// <summary>What one call may set for itself; every member is optional. Pass it before the <see cref="CancellationToken"/>.</summary>
public sealed class CustomerCredentialsRequestOptions
{
    /// <summary>
    /// For a create: the Idempotency-Key to send, for example the id of the message your consumer is
    /// handling, so that running it again replays the first 201 instead of creating twice. 1 to 128
    /// printable ASCII characters, as the contract says. Without it the client generates one per call
    /// (readable afterwards in <see cref="CustomerCredentialsResponse.IdempotencyKey"/>). Ignored by
    /// calls that are not creates.
    /// </summary>
    public string? IdempotencyKey { get; set; }

    /// <summary>This call's whole time, retries included; it can shorten, never lengthen, the client's TotalTimeout.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Extra headers for this call (a correlation id, say). They cannot replace the ones the client sets itself.</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
}
