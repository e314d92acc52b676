namespace Customers.Client.Testing;

/// <summary>
/// A failure of the real service that the fake reproduces on request (see
/// <see cref="FakeCustomersService.InjectFault(FakeFault)"/>), so that a team can test its own
/// handling of exactly the failures the contract documents. A fault is a value: narrow it with
/// <see cref="Times"/>, <see cref="Sometimes"/>, <see cref="ForOrganization"/>,
/// <see cref="ForCustomer"/>, <see cref="When"/> and <see cref="BeforeChecks"/>, each of which
/// returns a new fault. Unless it says otherwise, a faulted call changes nothing in the fake, and a
/// fault fires only on a request that passed the role and validation checks, as the real service
/// fails only after them.
/// </summary>
public sealed class FakeFault
{
    private FakeFault(FakeFaultKind kind, int? times, double? fraction, TimeSpan delay, TimeSpan jitter = default)
    {
        Kind = kind;
        Remaining = times;
        Fraction = fraction;
        Delay = delay;
        Jitter = jitter;
    }

    internal FakeFaultKind Kind { get; }

    internal int? Remaining { get; private init; }

    internal double? Fraction { get; private init; }

    internal TimeSpan Delay { get; }

    internal TimeSpan Jitter { get; }

    internal string? OperationId { get; private init; }

    internal string? OrgId { get; private init; }

    internal Guid? CustomerId { get; private init; }

    internal Func<FakeFaultRequest, bool>? Predicate { get; private init; }

    internal bool FiresBeforeChecks { get; private init; }

    /// <summary>503 REPOSITORY_UNAVAILABLE, as when the service's database cannot be reached: the next <paramref name="times"/> calls.</summary>
    public static FakeFault Unavailable(int times = 1) => new(FakeFaultKind.Unavailable, Positive(times), null, TimeSpan.Zero);

    /// <summary>503 REPOSITORY_UNAVAILABLE for a share of the calls (0 to 1), until the faults are cleared.</summary>
    public static FakeFault UnavailableSometimes(double fraction) => new(FakeFaultKind.Unavailable, null, Share(fraction), TimeSpan.Zero);

    /// <summary>504 REPOSITORY_TIMEOUT, as when the service's database does not answer in time: the next <paramref name="times"/> calls.</summary>
    public static FakeFault Timeout(int times = 1) => new(FakeFaultKind.Timeout, Positive(times), null, TimeSpan.Zero);

    /// <summary>504 REPOSITORY_TIMEOUT for a share of the calls (0 to 1), until the faults are cleared.</summary>
    public static FakeFault TimeoutSometimes(double fraction) => new(FakeFaultKind.Timeout, null, Share(fraction), TimeSpan.Zero);

    /// <summary>The next <paramref name="times"/> calls are answered normally, after <paramref name="delay"/> (no thread is blocked while they wait).</summary>
    public static FakeFault Slow(TimeSpan delay, int times = int.MaxValue) =>
        new(FakeFaultKind.Slow, Positive(times), null, delay > TimeSpan.Zero ? delay : throw new ArgumentOutOfRangeException(nameof(delay), "A delay is positive."));

    /// <summary>Calls are answered normally, each after a delay drawn from <paramref name="minimum"/> to <paramref name="maximum"/> (jitter, from <see cref="FakeCustomersServiceOptions.FaultSeed"/>).</summary>
    public static FakeFault Latency(TimeSpan minimum, TimeSpan maximum) =>
        minimum >= TimeSpan.Zero && maximum >= minimum
            ? new(FakeFaultKind.Slow, int.MaxValue, null, minimum, maximum - minimum)
            : throw new ArgumentOutOfRangeException(nameof(maximum), "0 ≤ minimum ≤ maximum.");

    /// <summary>The next <paramref name="times"/> calls get no HTTP answer: the connection is cut, as by a crashed instance or a proxy.</summary>
    public static FakeFault DropConnection(int times = 1) => new(FakeFaultKind.DropConnection, Positive(times), null, TimeSpan.Zero);

    /// <summary>
    /// The case the contract's Idempotency-Key is for: the call is applied (the credential or the
    /// customer is created), then the connection drops before the answer. The client sees a
    /// network failure; a resend with the same Idempotency-Key gets the first answer.
    /// </summary>
    public static FakeFault AppliedButLost(int times = 1) => new(FakeFaultKind.AppliedButLost, Positive(times), null, TimeSpan.Zero);

    /// <summary>429 RATE_LIMITED with Retry-After, RateLimit-Policy and RateLimit, as when the organization used up its rate; nothing is done.</summary>
    public static FakeFault RateLimited(TimeSpan retryAfter, int times = 1) => new(FakeFaultKind.RateLimited, Positive(times), null, Seconds(retryAfter));

    /// <summary>503 SERVICE_OVERLOADED with Retry-After, as when the service sheds load; nothing is done.</summary>
    public static FakeFault Overloaded(TimeSpan retryAfter, int times = 1) => new(FakeFaultKind.Overloaded, Positive(times), null, Seconds(retryAfter));

    /// <summary>500 INTERNAL_ERROR, an unexpected failure of the service.</summary>
    public static FakeFault InternalError(int times = 1) => new(FakeFaultKind.InternalError, Positive(times), null, TimeSpan.Zero);

    /// <summary>401 INVALID_TOKEN, as when a JWT has expired or its signature is not trusted.</summary>
    public static FakeFault Unauthorized(int times = 1) => new(FakeFaultKind.Unauthorized, Positive(times), null, TimeSpan.Zero);

    /// <summary>403 ROLE_NOT_PERMITTED, as when the caller's roles were changed under it.</summary>
    public static FakeFault Forbidden(int times = 1) => new(FakeFaultKind.Forbidden, Positive(times), null, TimeSpan.Zero);

    /// <summary>
    /// The call is applied and answered with its success status, but with a body the contract
    /// forbids (its first field null), as a broken proxy or a buggy deployment would: the client
    /// should report a ContractViolation.
    /// </summary>
    public static FakeFault MalformedBody(int times = 1) => new(FakeFaultKind.MalformedBody, Positive(times), null, TimeSpan.Zero);

    /// <summary>This fault for the next <paramref name="count"/> matching calls.</summary>
    public FakeFault Times(int count) => new(Kind, Positive(count), null, Delay, Jitter) { OperationId = OperationId, OrgId = OrgId, CustomerId = CustomerId, Predicate = Predicate, FiresBeforeChecks = FiresBeforeChecks };

    /// <summary>This fault for a share (0 to 1) of the matching calls, until the faults are cleared.</summary>
    public FakeFault Sometimes(double fraction) => new(Kind, null, Share(fraction), Delay, Jitter) { OperationId = OperationId, OrgId = OrgId, CustomerId = CustomerId, Predicate = Predicate, FiresBeforeChecks = FiresBeforeChecks };

    /// <summary>Only calls of this operation (the contract's operationId, for example <c>createCredential</c>).</summary>
    public FakeFault ForOperation(string operationId) => With(f => f with { OperationId = KnownOperation(operationId) });

    /// <summary>Only calls on this organization.</summary>
    public FakeFault ForOrganization(string orgId) => With(f => f with { OrgId = orgId ?? throw new ArgumentNullException(nameof(orgId)) });

    /// <summary>Only calls on this customer.</summary>
    public FakeFault ForCustomer(Guid customerId) => With(f => f with { CustomerId = customerId });

    /// <summary>Only calls for which <paramref name="predicate"/> is true (with any other condition set).</summary>
    public FakeFault When(Func<FakeFaultRequest, bool> predicate) => With(f => f with { Predicate = predicate ?? throw new ArgumentNullException(nameof(predicate)) });

    /// <summary>Fires before the role and validation checks, so that even a request they would refuse gets the fault (a proxy's failure, say).</summary>
    public FakeFault BeforeChecks() => With(f => f with { FiresBeforeChecks = true });

    internal static string KnownOperation(string operationId) => ContractOperations.All.Any(o => o.Id == operationId)
        ? operationId
        : throw new ArgumentException($"The contract has no operation {operationId}; it has {string.Join(", ", ContractOperations.All.Select(o => o.Id))}.", nameof(operationId));

    internal bool Matches(FakeFaultRequest request) =>
        (OperationId is null || OperationId == request.OperationId)
        && (OrgId is null || OrgId == request.OrgId)
        && (CustomerId is null || CustomerId == request.CustomerId)
        && (Predicate is null || Predicate(request));

    private FakeFault With(Func<Conditions, Conditions> change)
    {
        var c = change(new Conditions(OperationId, OrgId, CustomerId, Predicate, FiresBeforeChecks));
        return new(Kind, Remaining, Fraction, Delay, Jitter)
        {
            Remaining = Remaining, Fraction = Fraction, OperationId = c.OperationId, OrgId = c.OrgId, CustomerId = c.CustomerId, Predicate = c.Predicate, FiresBeforeChecks = c.FiresBeforeChecks,
        };
    }

    private static int Positive(int times) => times > 0 ? times : throw new ArgumentOutOfRangeException(nameof(times), "At least one call.");

    private static double Share(double fraction) => fraction is >= 0 and <= 1 ? fraction : throw new ArgumentOutOfRangeException(nameof(fraction), "A share from 0 to 1.");

    // Retry-After is whole seconds, at least 1, as the contract's RetryAfter header says.
    private static TimeSpan Seconds(TimeSpan wait) => TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(wait.TotalSeconds)));

    private sealed record Conditions(string? OperationId, string? OrgId, Guid? CustomerId, Func<FakeFaultRequest, bool>? Predicate, bool FiresBeforeChecks);
}

internal enum FakeFaultKind
{
    Unavailable,
    Timeout,
    Slow,
    DropConnection,
    AppliedButLost,
    RateLimited,
    Overloaded,
    InternalError,
    Unauthorized,
    Forbidden,
    MalformedBody,
}
