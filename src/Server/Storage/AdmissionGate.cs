using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;

namespace Customers.Server.Storage;

/// <summary>
/// Sheds load before it times out: a repository call enters only while fewer than
/// <see cref="StorageOptions.MaxPendingCalls"/> are pending in this instance, and fewer than
/// <see cref="StorageOptions.MaxPendingCallsPerOrganization"/> of its organization. Otherwise it
/// is refused at once (<see cref="RepositoryOverloadedException"/>), before anything is done.
/// Calls of no organization (health, purges) count toward the total only.
/// </summary>
public sealed class AdmissionGate(IOptions<StorageOptions> options)
{
    private readonly int _total = options.Value.MaxPendingCalls;
    private readonly int _perOrganization = options.Value.MaxPendingCallsPerOrganization;

    // One counter per organization seen: organizations are the telco's tenants, a bounded set, and
    // only a caller allowed to act on an organization reaches the repository with it.
    private readonly ConcurrentDictionary<string, StrongBox<int>> _byOrganization = new(StringComparer.Ordinal);
    private int _pending;

    public int Pending => Volatile.Read(ref _pending);

    public Ticket Enter(string? org)
    {
        if (Interlocked.Increment(ref _pending) > _total)
        {
            Interlocked.Decrement(ref _pending);
            throw new RepositoryOverloadedException($"{_total} repository calls are pending in this instance (Storage:MaxPendingCalls).");
        }

        if (org is null)
        {
            return new Ticket(this, null);
        }

        var mine = _byOrganization.GetOrAdd(org, static _ => new StrongBox<int>());
        if (Interlocked.Increment(ref mine.Value) > _perOrganization)
        {
            Interlocked.Decrement(ref mine.Value);
            Interlocked.Decrement(ref _pending);
            throw new RepositoryOverloadedException($"The organization holds {_perOrganization} pending repository calls (Storage:MaxPendingCallsPerOrganization).");
        }

        return new Ticket(this, mine);
    }

    /// <summary>A place in the gate, given back when disposed.</summary>
    public readonly struct Ticket(AdmissionGate gate, StrongBox<int>? organization) : IDisposable
    {
        public void Dispose()
        {
            if (organization is not null)
            {
                Interlocked.Decrement(ref organization.Value);
            }

            Interlocked.Decrement(ref gate._pending);
        }
    }
}
