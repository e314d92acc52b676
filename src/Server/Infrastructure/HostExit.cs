namespace Customers.Server.Infrastructure;

/// <summary>
/// The process's exit code once the host has stopped. A background service that fails stops the
/// host (BackgroundServiceExceptionBehavior.StopHost), but the host then returns normally, and an
/// exit code of 0 would tell an orchestrator with an on-failure restart policy that all is well.
/// </summary>
public static class HostExit
{
    /// <summary>EX_SOFTWARE in sysexits.h: an internal failure.</summary>
    public const int FailedCode = 70;

    /// <summary>The background services, taken before the host runs (running it disposes its services).</summary>
    public static IReadOnlyList<BackgroundService> Watch(IServiceProvider services) =>
        services.GetServices<IHostedService>().OfType<BackgroundService>().ToList();

    public static int CodeFor(IEnumerable<BackgroundService> watched) =>
        watched.Any(s => s.ExecuteTask is { IsFaulted: true }) ? FailedCode : 0;
}
