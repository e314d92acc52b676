using System.Diagnostics;

namespace Customers.Server.Tests.Processes;

public static class Command
{
    /// <summary>Runs a program to its end and returns what it wrote to stdout; throws with both outputs when it fails.</summary>
    public static async Task<string> RunAsync(string executable, params string[] arguments)
    {
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0
            ? await output
            : throw new InvalidOperationException($"{executable} {string.Join(' ', arguments)} exited {process.ExitCode}:\n{await output}\n{await error}");
    }
}
