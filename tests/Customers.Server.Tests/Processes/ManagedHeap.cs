using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace Customers.Server.Tests.Processes;

/// <summary>
/// The live managed heap of another .NET process: an EventPipe session with the GCHeapCollect
/// keyword makes the runtime run a full blocking GC (as dotnet-gcdump does), and its GCHeapStats
/// event says what survived.
/// </summary>
public static class ManagedHeap
{
    public static long AfterFullGc(int pid, TimeSpan within)
    {
        var client = new DiagnosticsClient(pid);
        var keywords = (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.GCHeapCollect);
        using var session = client.StartEventPipeSession(
            [new EventPipeProvider(ClrTraceEventParser.ProviderName, EventLevel.Informational, keywords)], requestRundown: false);
        using var source = new EventPipeEventSource(session.EventStream);
        long? live = null;
        source.Clr.GCHeapStats += stats =>
        {
            live ??= stats.TotalHeapSize;
            session.Stop();
        };
        var reading = Task.Run(source.Process);
        if (!reading.Wait(within))
        {
            session.Stop();
            throw new TimeoutException($"No GCHeapStats event from process {pid} within {within}.");
        }

        return live ?? throw new InvalidOperationException($"The EventPipe session with process {pid} ended without a GCHeapStats event.");
    }
}
