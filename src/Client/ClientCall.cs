using System.Diagnostics;

namespace Customers.Client;

/// <summary>
/// What every call of <see cref="CustomerCredentialsClient"/> does around its request: the
/// activity, the duration metric, the call's extra headers and its own timeout. A struct started
/// and ended inside each method, so that a call allocates no closure or delegate for it.
/// </summary>
internal readonly struct ClientCall : IDisposable
{
    private readonly string _operationId;
    private readonly Activity? _activity;
    private readonly long _startedAt;
    private readonly IDisposable? _headers;
    private readonly CancellationTokenSource? _deadline;
    private readonly TimeSpan? _timeout;
    private readonly CancellationToken _cancellationToken;
    private readonly string? _idempotencyKey;

    private ClientCall(OperationRule operation, string orgId, string? idempotencyKey, CustomerCredentialsRequestOptions? options, CancellationToken cancellationToken)
    {
        Operation = operation;
        _idempotencyKey = idempotencyKey;
        _operationId = operation.Id;
        _activity = ClientDiagnostics.Start(operation.Id, orgId);
        _startedAt = Stopwatch.GetTimestamp();
        _headers = CallScopeHandler.Use(options?.Headers, options?.Timeout);
        _cancellationToken = cancellationToken;
        _timeout = options?.Timeout;
        if (_timeout is { } timeout)
        {
            _deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _deadline.CancelAfter(timeout);
        }
    }

    /// <summary>The token the request runs with: the caller's, or the call's own timeout linked to it.</summary>
    public CancellationToken Token => _deadline?.Token ?? _cancellationToken;

    /// <summary>The contract's operation the call makes.</summary>
    public OperationRule Operation { get; }

    /// <summary>The Idempotency-Key a create sends, or null.</summary>
    public string? IdempotencyKey => _idempotencyKey;

    public static ClientCall Start(OperationRule operation, string orgId, string? idempotencyKey, CustomerCredentialsRequestOptions? options, CancellationToken cancellationToken) =>
        new(operation, orgId, idempotencyKey, options, cancellationToken);

    public void Succeeded() => ClientMetrics.Record(_operationId, _startedAt, null);

    /// <summary>
    /// Records the failure; returns what the caller should see: the call's own timeout as a
    /// <see cref="CustomerCredentialsException"/>, else the failure itself. Called from an exception
    /// filter, so that a failure passed on unchanged keeps its stack trace.
    /// </summary>
    public Exception Failed(Exception exception)
    {
        if (exception is OperationCanceledException && _deadline is { IsCancellationRequested: true } && !_cancellationToken.IsCancellationRequested)
        {
            exception = new CustomerCredentialsException($"The call did not complete within its timeout of {_timeout!.Value.TotalSeconds:0.###} s.", 0,
                innerException: exception, kind: CustomerCredentialsFailureKind.Timeout)
            {
                IdempotencyKey = _idempotencyKey,
                OutcomeUnknown = _idempotencyKey is not null, // The request may have been applied before the deadline.
            };
        }

        ClientDiagnostics.Failed(_activity, exception);
        ClientMetrics.Record(_operationId, _startedAt, exception);
        return exception;
    }

    public void Dispose()
    {
        _deadline?.Dispose();
        _headers?.Dispose();
        _activity?.Dispose();
    }
}
