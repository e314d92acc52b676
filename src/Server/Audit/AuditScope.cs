namespace Customers.Server.Audit;

/// <summary>What the request that makes a change says about itself: the caller and the trace id.</summary>
public sealed record AuditContext(AuditCaller Caller, string? TraceId);

/// <summary>
/// The request's <see cref="AuditContext"/>, flowing with the request's async calls (an AsyncLocal)
/// down to the store, which writes the event in the change's own transaction. The store's methods
/// keep their signatures, and a change made outside a request (a tool, a store test) is still
/// recorded, with <see cref="AuditCaller.Nobody"/>: no path writes a change without its event.
/// Set by <see cref="Endpoints.ContractPipeline.BeginAudit"/> around every operation.
/// </summary>
public static class AuditScope
{
    private static readonly AsyncLocal<AuditContext?> Ambient = new();

    public static AuditContext Current => Ambient.Value ?? new AuditContext(AuditCaller.Nobody, null);

    /// <summary>Makes <paramref name="context"/> current for the calls that follow, until disposed.</summary>
    public static IDisposable Begin(AuditContext context)
    {
        var previous = Ambient.Value;
        Ambient.Value = context;
        return new Restore(previous);
    }

    private sealed class Restore(AuditContext? previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }
}
