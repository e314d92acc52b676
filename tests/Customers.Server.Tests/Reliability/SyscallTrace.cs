using System.Globalization;
using System.Text.RegularExpressions;

namespace Customers.Server.Tests.Reliability;

/// <summary>
/// What `strace -f -tt -y -s 100` recorded of the service: when each fsync or fdatasync of a file
/// completed, when each POST was read from a socket and when each 201 began to be sent.
/// </summary>
public sealed partial class SyscallTrace
{
    public static readonly string[] Arguments =
        ["strace", "-f", "-tt", "-y", "-s", "100", "-e", "trace=fsync,fdatasync,read,recvfrom,recvmsg,write,writev,sendto,sendmsg"];

    public static string? Unavailable => File.Exists("/usr/bin/strace") ? null : "strace is not installed (Debian package strace).";

    public List<(TimeSpan At, string File)> Syncs { get; } = [];

    public List<TimeSpan> PostsRead { get; } = [];

    public List<TimeSpan> CreatedSent { get; } = [];

    public static SyscallTrace Read(string path)
    {
        var trace = new SyscallTrace();
        var pending = new Dictionary<string, string>(); // pid → file of a sync call not finished yet
        foreach (var line in File.ReadLines(path))
        {
            var match = Line().Match(line);
            if (!match.Success)
            {
                continue;
            }

            var (pid, at, rest) = (match.Groups["pid"].Value, TimeSpan.Parse(match.Groups["time"].Value, CultureInfo.InvariantCulture), match.Groups["rest"].Value);
            if (SyncCall().Match(rest) is { Success: true } sync)
            {
                if (rest.EndsWith("<unfinished ...>", StringComparison.Ordinal))
                {
                    pending[pid] = sync.Groups["file"].Value;
                }
                else if (rest.EndsWith("= 0", StringComparison.Ordinal))
                {
                    trace.Syncs.Add((at, sync.Groups["file"].Value));
                }
            }
            else if (SyncResumed().IsMatch(rest) && pending.Remove(pid, out var file) && rest.EndsWith("= 0", StringComparison.Ordinal))
            {
                trace.Syncs.Add((at, file));
            }
            else if (rest.Contains("\"POST /v4/", StringComparison.Ordinal) && !rest.Contains("<unfinished ...>", StringComparison.Ordinal))
            {
                trace.PostsRead.Add(at); // the read's data shows when it returns
            }
            else if (rest.Contains("\"HTTP/1.1 201 ", StringComparison.Ordinal))
            {
                trace.CreatedSent.Add(at); // the send's start: nothing of the answer has left before
            }
        }

        return trace;
    }

    [GeneratedRegex(@"^(?<pid>\d+) (?<time>\d\d:\d\d:\d\d\.\d+) (?<rest>.*)$")]
    private static partial Regex Line();

    [GeneratedRegex(@"^f(data)?sync\(\d+<(?<file>[^>]*)>")]
    private static partial Regex SyncCall();

    [GeneratedRegex(@"^<\.\.\. f(data)?sync resumed>")]
    private static partial Regex SyncResumed();
}
