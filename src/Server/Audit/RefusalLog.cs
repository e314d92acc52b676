using System.Text;
using Microsoft.Extensions.Options;

namespace Customers.Server.Audit;

/// <summary>
/// A refused call (401, 403) is logged, not stored: one warning line with the identity that was
/// presented, so that a probe across organizations is visible. The lines are limited to
/// <see cref="AuditOptions.RefusalLogLinesPerSecond"/> in each second, so a flood of bad tokens
/// cannot flood the log; the next line written says how many were left out before it.
/// Presented values are the caller's: cut to a length and stripped of control characters.
/// </summary>
public sealed partial class RefusalLog(IOptions<AuditOptions> options, TimeProvider clock, ILogger<RefusalLog> logger)
{
    private const int MaxValueLength = 128;

    private readonly Lock _lock = new();
    private long _windowStart = clock.GetTimestamp();
    private int _written;
    private long _suppressed;

    /// <param name="identity">What the caller presented, as "name=value" parts (subject, client, roles, certificate, peer).</param>
    public void Refused(int status, string code, string? operation, string? orgId, IEnumerable<(string Name, string? Value)> identity)
    {
        long suppressed;
        lock (_lock)
        {
            var now = clock.GetTimestamp();
            if (clock.GetElapsedTime(_windowStart, now) >= TimeSpan.FromSeconds(1))
            {
                (_windowStart, _written) = (now, 0);
            }

            if (_written >= options.Value.RefusalLogLinesPerSecond)
            {
                _suppressed++;
                return;
            }

            _written++;
            (suppressed, _suppressed) = (_suppressed, 0);
        }

        var presented = new StringBuilder();
        foreach (var (name, value) in identity)
        {
            if (value is not null)
            {
                presented.Append(presented.Length == 0 ? "" : ", ").Append(name).Append('=').Append(Clean(value));
            }
        }

        LogRefused(logger, status, code, operation ?? "none", Clean(orgId ?? "none"), presented.Length == 0 ? "nothing" : presented.ToString(), suppressed);
    }

    private static string Clean(string value)
    {
        var cut = value.Length > MaxValueLength ? value[..MaxValueLength] + "…" : value;
        return string.Create(cut.Length, cut, static (span, text) =>
        {
            for (var i = 0; i < text.Length; i++)
            {
                span[i] = char.IsControl(text[i]) ? '?' : text[i];
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Status} {Code}: {Operation} on organization {OrgId}, presented {Identity} ({Suppressed} refusals not logged before this line)")]
    private static partial void LogRefused(ILogger logger, int status, string code, string operation, string orgId, string identity, long suppressed);
}
