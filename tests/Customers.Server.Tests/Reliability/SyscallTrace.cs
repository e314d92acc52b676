using System.Globalization;
using System.Text.RegularExpressions;

namespace Customers.Server.Tests.Reliability;

/// <summary>
/// What `strace -f -tt -y -s 100` recorded of the service: when each fsync or fdatasync of a file
/// completed, when each POST was read from a socket and when each 201 began to be sent, with the
/// socket (strace -y names its addresses, so each keep-alive connection is told apart).
/// </summary>
public sealed partial class SyscallTrace
{
    public static readonly string[] Arguments =
        ["strace", "-f", "-tt", "-y", "-s", "100", "-e", "trace=fsync,fdatasync,read,recvfrom,recvmsg,write,writev,sendto,sendmsg"];

    public static string? Unavailable => File.Exists("/usr/bin/strace") ? null : "strace is not installed (Debian package strace).";

    public List<(TimeSpan At, string File)> Syncs { get; } = [];

    public List<(TimeSpan At, string Socket)> PostsRead { get; } = [];

    public List<(TimeSpan At, string Socket)> CreatedSent { get; } = [];

    /// <summary>
    /// Each 201 with the POST it answered: a connection carries one request at a time, so on each
    /// socket the n-th 201 answers the n-th POST.
    /// </summary>
    public IEnumerable<(TimeSpan Read, TimeSpan Sent)> Exchanges() =>
        PostsRead.GroupBy(post => post.Socket).SelectMany(posts => posts.Select(post => post.At)
            .Zip(CreatedSent.Where(sent => sent.Socket == posts.Key).Select(sent => sent.At)));

    public static SyscallTrace Read(string path)
    {
        var trace = new SyscallTrace();
        var pending = new Dictionary<string, string>(); // pid → file of a sync call not finished yet
        var reading = new Dictionary<string, string>(); // pid → socket of a read not finished yet: its data shows when it resumes
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
            else if (rest.EndsWith("<unfinished ...>", StringComparison.Ordinal) && Socket(rest) is { Length: > 0 } socket && !rest.Contains("\"HTTP/1.1 ", StringComparison.Ordinal))
            {
                reading[pid] = socket;
            }
            else if (rest.Contains("\"POST /v4/", StringComparison.Ordinal))
            {
                // The read's data shows when it returns: on its own line, or on the line where it resumes.
                var read = rest.StartsWith("<...", StringComparison.Ordinal) ? reading.GetValueOrDefault(pid, string.Empty) : Socket(rest);
                trace.PostsRead.Add((at, read));
            }
            else if (rest.Contains("\"HTTP/1.1 201 ", StringComparison.Ordinal))
            {
                trace.CreatedSent.Add((at, Socket(rest))); // the send's start: nothing of the answer has left before
            }
        }

        return trace;
    }

    private static string Socket(string call) => SocketArgument().Match(call).Groups["socket"].Value;

    [GeneratedRegex(@"^\w+\(\d+<(?<socket>[^>]*)>")]
    private static partial Regex SocketArgument();

    [GeneratedRegex(@"^(?<pid>\d+) +(?<time>\d\d:\d\d:\d\d\.\d+) (?<rest>.*)$")]
    private static partial Regex Line();

    [GeneratedRegex(@"^f(data)?sync\(\d+<(?<file>[^>]*)>")]
    private static partial Regex SyncCall();

    [GeneratedRegex(@"^<\.\.\. f(data)?sync resumed>")]
    private static partial Regex SyncResumed();
}
