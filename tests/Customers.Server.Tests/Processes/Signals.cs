using System.Runtime.InteropServices;

namespace Customers.Server.Tests.Processes;

/// <summary>POSIX signals to another process, for the tests that freeze, stop or crash one.</summary>
public static class Signals
{
    public const int Kill = 9;
    public const int Term = 15;
    public const int Cont = 18;
    public const int Stop = 19;

    /// <summary>Sends <paramref name="signal"/>; a process that has already ended needs none.</summary>
    public static void Send(int pid, int signal)
    {
        const int NoSuchProcess = 3;
        if (kill(pid, signal) != 0 && Marshal.GetLastPInvokeError() != NoSuchProcess)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    [DllImport("libc", SetLastError = true)]
#pragma warning disable SA1300, IDE1006 // the libc name
    private static extern int kill(int pid, int sig);
#pragma warning restore SA1300, IDE1006
}
