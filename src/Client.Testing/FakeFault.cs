namespace Customers.Client.Testing;

/// <summary>
/// A failure of the real service that the fake reproduces on request (see
/// <see cref="FakeCustomersService.InjectFault"/>), so that a team can test its own handling of
/// exactly the failures the contract documents. A faulted call changes nothing in the fake.
/// </summary>
public sealed class FakeFault
{
    private FakeFault(FakeFaultKind kind, int? times, double? fraction, TimeSpan delay)
    {
        Kind = kind;
        Times = times;
        Fraction = fraction;
        Delay = delay;
    }

    internal FakeFaultKind Kind { get; }

    internal int? Times { get; }

    internal double? Fraction { get; }

    internal TimeSpan Delay { get; }

    /// <summary>503 REPOSITORY_UNAVAILABLE, as when the service's database cannot be reached: the next <paramref name="times"/> calls.</summary>
    public static FakeFault Unavailable(int times = 1) => new(FakeFaultKind.Unavailable, Positive(times), null, TimeSpan.Zero);

    /// <summary>503 REPOSITORY_UNAVAILABLE for a share of the calls (0 to 1), until the faults are cleared.</summary>
    public static FakeFault UnavailableSometimes(double fraction) => new(FakeFaultKind.Unavailable, null, Share(fraction), TimeSpan.Zero);

    /// <summary>504 REPOSITORY_TIMEOUT, as when the service's database does not answer in time: the next <paramref name="times"/> calls.</summary>
    public static FakeFault Timeout(int times = 1) => new(FakeFaultKind.Timeout, Positive(times), null, TimeSpan.Zero);

    /// <summary>504 REPOSITORY_TIMEOUT for a share of the calls (0 to 1), until the faults are cleared.</summary>
    public static FakeFault TimeoutSometimes(double fraction) => new(FakeFaultKind.Timeout, null, Share(fraction), TimeSpan.Zero);

    /// <summary>The next <paramref name="times"/> calls are answered normally, after <paramref name="delay"/>.</summary>
    public static FakeFault Slow(TimeSpan delay, int times = int.MaxValue) =>
        new(FakeFaultKind.Slow, Positive(times), null, delay > TimeSpan.Zero ? delay : throw new ArgumentOutOfRangeException(nameof(delay), "A delay is positive."));

    /// <summary>The next <paramref name="times"/> calls get no HTTP answer: the connection is cut, as by a crashed instance or a proxy.</summary>
    public static FakeFault DropConnection(int times = 1) => new(FakeFaultKind.DropConnection, Positive(times), null, TimeSpan.Zero);

    private static int Positive(int times) => times > 0 ? times : throw new ArgumentOutOfRangeException(nameof(times), "At least one call.");

    private static double Share(double fraction) => fraction is >= 0 and <= 1 ? fraction : throw new ArgumentOutOfRangeException(nameof(fraction), "A share from 0 to 1.");
}

internal enum FakeFaultKind
{
    Unavailable,
    Timeout,
    Slow,
    DropConnection,
}
