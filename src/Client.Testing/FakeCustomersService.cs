using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using WireMock;
using WireMock.Logging;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using WireMock.Types;
using WireMock.Util;

namespace Customers.Client.Testing;

/// <summary>
/// A stateful fake of the customers v4 credentials service on 127.0.0.1, for client teams' tests.
/// Creating, listing and deleting behave as the real service does: the 401, 403, 404, 409 and 400
/// rules, error codes and places, uuid ids and ISO 8601 timestamps, idempotent creation.
/// <code>
/// using var fake = FakeCustomersService.Start();
/// var client = fake.CreateClient();   // or: options.BaseAddress = fake.BaseAddress
/// </code>
/// </summary>
public sealed class FakeCustomersService : IDisposable
{
    private readonly WireMockServer _server;
    private readonly FakeState _state = new();
    private readonly FakeCustomersServiceOptions _options;
    private readonly List<ServiceProvider> _providers = [];
    private readonly List<ActiveFault> _faults = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, IReadOnlyCollection<string>> _tokens = new(StringComparer.Ordinal);
    private readonly List<FakeReceivedRequest> _received = [];
    private readonly Random _random;

    private FakeCustomersService(FakeCustomersServiceOptions options)
    {
        _options = options;
        _random = new Random(options.FaultSeed);
        var api = new FakeCustomersApi(_state, options, token => _tokens.TryGetValue(token, out var roles) ? roles : null);
        _server = WireMockServer.Start(new WireMockServerSettings
        {
            // An explicit loopback address: with a port only, WireMock may listen on every interface.
            Urls = [$"http://127.0.0.1:{FreePort()}"],
            MaxRequestLogCount = options.MaxRequestLogCount,
            Logger = new WireMockNullLogger(),
        });
        _server
            .Given(Request.Create().WithPath(new RegexMatcher(".*")).UsingAnyMethod())
            .RespondWith(Response.Create().WithCallback(async request => Record(request, await AnswerAsync(api, request).ConfigureAwait(false))));
        BaseAddress = new Uri(_server.Url! + "/");
    }

    /// <summary>Where the fake listens, for <see cref="CustomerCredentialsClientOptions.BaseAddress"/>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>How many requests the fake has received (at most <see cref="FakeCustomersServiceOptions.MaxRequestLogCount"/> are kept).</summary>
    public int RequestCount => _server.LogEntries.Count();

    /// <summary>Starts a fake on a free port of 127.0.0.1.</summary>
    /// <param name="options">Roles, clock and request log size; the defaults match the real service's defaults.</param>
    public static FakeCustomersService Start(FakeCustomersServiceOptions? options = null) => new(options ?? new FakeCustomersServiceOptions());

    /// <summary>A <see cref="CustomerCredentialsClient"/> registered as a client team registers it, pointed at this fake.</summary>
    /// <param name="roles">What the client sends in x-auth-roles.</param>
    /// <param name="configure">Further client options (timeouts, retries).</param>
    public CustomerCredentialsClient CreateClient(string roles = "API_KEY", Action<CustomerCredentialsClientOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddCustomerCredentialsClient(options =>
        {
            options.BaseAddress = BaseAddress;
            options.Roles = roles;
            configure?.Invoke(options);
        });
        var provider = services.BuildServiceProvider();
        lock (_providers)
        {
            _providers.Add(provider);
        }

        return provider.GetRequiredService<CustomerCredentialsClient>();
    }

    /// <summary>Adds a customer directly, as test data, and returns its id.</summary>
    /// <param name="orgId">The organization.</param>
    /// <param name="externalId">The customer's identifier in another system, or null.</param>
    public Guid AddCustomer(string orgId, string? externalId = null)
    {
        lock (_state.Gate)
        {
            return _state.AddCustomer(orgId, externalId, _options.TimeProvider.GetUtcNow()).Id;
        }
    }

    /// <summary>Adds a credential directly, as test data (the rules of a create apply), and returns its id.</summary>
    /// <param name="orgId">The organization.</param>
    /// <param name="customerId">A customer added before.</param>
    /// <param name="username">The username.</param>
    public Guid AddCredential(string orgId, Guid customerId, string username)
    {
        var customer = _state.Customer(orgId, customerId) ?? throw new ArgumentException($"No customer {customerId} in {orgId}.", nameof(customerId));
        lock (_state.Gate)
        {
            if (_state.UsernameTaken(orgId, username))
            {
                throw new ArgumentException($"The username is taken in {orgId}.", nameof(username));
            }

            var now = _options.TimeProvider.GetUtcNow();
            var credential = new FakeCredential(Guid.CreateVersion7(now), username, now);
            customer.Credentials.Add(credential);
            return credential.Id;
        }
    }

    /// <summary>
    /// Makes calls of one operation fail as the real service fails, answer slowly, or get no answer
    /// at all. Faults apply in the order they were added, one per call.
    /// </summary>
    /// <param name="operationId">The contract's operationId, for example <c>createCredential</c>.</param>
    /// <param name="fault">What to do, for example <see cref="FakeFault.Unavailable"/>.</param>
    public void InjectFault(string operationId, FakeFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        InjectFault(fault.ForOperation(operationId));
    }

    /// <summary>
    /// Makes the calls that <paramref name="fault"/> selects (every call, unless narrowed with
    /// <see cref="FakeFault.ForOperation"/>, <see cref="FakeFault.ForOrganization"/>,
    /// <see cref="FakeFault.ForCustomer"/> or <see cref="FakeFault.When"/>) fail. Faults apply in the
    /// order they were added, one per call.
    /// </summary>
    /// <param name="fault">What to do and to which calls.</param>
    public void InjectFault(FakeFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        lock (_faults)
        {
            _faults.Add(new ActiveFault(fault, fault.Remaining));
        }
    }

    /// <summary>
    /// In JWT mode (<see cref="FakeCustomersServiceOptions.JwtMode"/>): a Bearer token the fake
    /// accepts, with these roles, until <see cref="RevokeToken"/>. Opaque: only this fake reads it.
    /// </summary>
    /// <param name="roles">The token's roles; by default API_KEY.</param>
    public string IssueToken(params string[] roles)
    {
        var token = "fake-" + Guid.NewGuid().ToString("N");
        _tokens[token] = roles.Length > 0 ? roles : ["API_KEY"];
        return token;
    }

    /// <summary>Makes a token the fake issued invalid, as when it expires: calls with it answer 401 INVALID_TOKEN.</summary>
    /// <param name="token">A token of <see cref="IssueToken"/>.</param>
    public void RevokeToken(string token) => _tokens.TryRemove(token, out _);

    /// <summary>Removes every injected fault.</summary>
    public void ClearFaults()
    {
        lock (_faults)
        {
            _faults.Clear();
        }
    }

    /// <summary>The requests received so far (at most <see cref="FakeCustomersServiceOptions.MaxRequestLogCount"/>, the newest), oldest first.</summary>
    public IReadOnlyList<FakeReceivedRequest> ReceivedRequests
    {
        get
        {
            lock (_received)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>Forgets every customer, credential, idempotency key, fault and received request.</summary>
    public void Reset()
    {
        lock (_state.Gate)
        {
            _state.Clear();
        }

        ClearFaults();
        lock (_received)
        {
            _received.Clear();
        }

        _server.ResetLogEntries();
    }

    /// <summary>Stops the fake.</summary>
    public void Dispose()
    {
        lock (_providers)
        {
            _providers.ForEach(p => p.Dispose());
        }

        _server.Stop();
        _server.Dispose();
    }

    private async Task<ResponseMessage> AnswerAsync(FakeCustomersApi api, IRequestMessage request)
    {
        var headers = Headers(request);
        var method = request.Method.ToUpperInvariant();
        var target = Target(request, method, headers);
        var fault = FaultFor(target, beforeChecks: true);
        FakeAdmitted? admitted = null;
        if (fault is null)
        {
            var (refused, passed) = api.Admit(method, request.AbsolutePath, Query(request), headers, request.Body);
            if (refused is not null)
            {
                return ToMessage(refused, headers);
            }

            admitted = passed;
            fault = FaultFor(target, beforeChecks: false);
        }

        if (fault is { Kind: FakeFaultKind.Slow })
        {
            await Task.Delay(fault.Delay + fault.Jitter * NextDouble()).ConfigureAwait(false);
        }

        FakeAnswer Applied() => admitted is not null ? api.Apply(admitted) : api.Admit(method, request.AbsolutePath, Query(request), headers, request.Body) switch
        {
            { Refused: { } refused } => refused,
            { Admitted: { } late } => api.Apply(late),
            _ => throw new InvalidOperationException("Admit answers a refusal or a request."),
        };

        switch (fault?.Kind)
        {
            case FakeFaultKind.DropConnection:
                return Dropped();
            case FakeFaultKind.AppliedButLost:
                _ = Applied();
                return Dropped();
            case FakeFaultKind.MalformedBody:
                var answer = Applied();
                return ToMessage(answer with { Body = FakeMalformedBody.Break(answer.Body) }, headers);
            case FakeFaultKind.RateLimited:
                var policy = method == "GET" ? "reads" : "writes";
                var seconds = (int)fault.Delay.TotalSeconds;
                var limited = ToMessage(Error(ContractErrors.RateLimited, "path." + ContractTenancy.Parameter,
                    $"Organization {target.OrgId} sent more {policy} than its rate allows; send it again after {seconds} second(s)."), headers);
                limited.Headers![ContractHeaders.RetryAfter] = new WireMockList<string>(seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
                limited.Headers[ContractHeaders.RateLimitPolicy] = new WireMockList<string>($"\"{policy}\";q=1;w={seconds}");
                limited.Headers[ContractHeaders.RateLimit] = new WireMockList<string>($"\"{policy}\";r=0;t={seconds}");
                return limited;
            case FakeFaultKind.Overloaded:
                var overloaded = ToMessage(Error(ContractErrors.ServiceOverloaded, "server", "The service is at capacity; send it again after Retry-After seconds."), headers);
                overloaded.Headers![ContractHeaders.RetryAfter] = new WireMockList<string>(((int)fault.Delay.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
                return overloaded;
            case FakeFaultKind.Unavailable:
                return ToMessage(Error(ContractErrors.RepositoryUnavailable, "server", "The repository cannot be reached. Try again later."), headers);
            case FakeFaultKind.Timeout:
                return ToMessage(Error(ContractErrors.RepositoryTimeout, "server", "The repository did not answer in time. Try again later."), headers);
            case FakeFaultKind.InternalError:
                return ToMessage(Error(ContractErrors.InternalError, "server", "The service failed unexpectedly."), headers);
            case FakeFaultKind.Unauthorized:
                return ToMessage(Error(ContractErrors.InvalidToken, "header.authorization", "The token is not valid: it has expired."), headers);
            case FakeFaultKind.Forbidden:
                return ToMessage(Error(ContractErrors.RoleNotPermitted, "header." + ContractHeaders.Roles, "None of the roles is granted this operation."), headers);
            default:
                return ToMessage(Applied(), headers);
        }
    }

    private static FakeAnswer Error(ContractError error, string reference, string message) =>
        FakeAnswer.Json(error.Status, new FakeError(error, reference, message).ToResponse(), FakeJsonContext.Default.ErrorResponse);

    private static ResponseMessage Dropped() => new() { StatusCode = 0, FaultType = FaultType.EMPTY_RESPONSE, FaultPercentage = 1.0 };

    private static ResponseMessage ToMessage(FakeAnswer answer, Dictionary<string, string> headers)
    {
        var response = new ResponseMessage { StatusCode = answer.Status, Headers = new Dictionary<string, WireMockList<string>>() };
        response.Headers[ContractHeaders.TraceId] = new WireMockList<string>(TraceId(headers));
        if (answer.Body is not null)
        {
            response.Headers["Content-Type"] = new WireMockList<string>("application/json; charset=utf-8");
            response.BodyData = new BodyData { BodyAsString = answer.Body, DetectedBodyType = BodyType.String, Encoding = System.Text.Encoding.UTF8 };
        }

        if (answer.Allow is not null)
        {
            response.Headers["Allow"] = new WireMockList<string>(answer.Allow);
        }

        return response;
    }

    private static FakeFaultRequest Target(IRequestMessage request, string method, Dictionary<string, string> headers)
    {
        var (operation, values) = ContractOperations.All
            .Select(o => (Operation: o, Values: o.Method == method ? FakeRoute.Match(o.PathTemplate, request.AbsolutePath) : null))
            .FirstOrDefault(m => m.Values is not null);
        return new FakeFaultRequest(method, request.AbsolutePath, operation?.Id, values?.GetValueOrDefault(ContractTenancy.Parameter),
            values?.GetValueOrDefault("customer_id") is { } customer && Guid.TryParse(customer, out var id) ? id : null, headers, request.Body);
    }

    private double NextDouble()
    {
        lock (_faults)
        {
            return _random.NextDouble();
        }
    }

    private static Dictionary<string, string> Headers(IRequestMessage request) => (request.Headers ?? new Dictionary<string, WireMockList<string>>())
        .ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value), StringComparer.Ordinal);

    private static Dictionary<string, string> Query(IRequestMessage request) => (request.Query ?? new Dictionary<string, WireMockList<string>>())
        .ToDictionary(q => q.Key, q => q.Value.FirstOrDefault() ?? "", StringComparer.Ordinal);

    private static string? OperationOf(IRequestMessage request) => ContractOperations.All
        .FirstOrDefault(o => o.Method == request.Method.ToUpperInvariant() && FakeRoute.Match(o.PathTemplate, request.AbsolutePath) is not null)?.Id;

    private FakeFault? FaultFor(FakeFaultRequest target, bool beforeChecks)
    {
        lock (_faults)
        {
            foreach (var candidate in _faults)
            {
                if (candidate.Fault.FiresBeforeChecks != beforeChecks || !candidate.Fault.Matches(target))
                {
                    continue;
                }

                if (candidate.Fault.Fraction is { } fraction)
                {
                    if (_random.NextDouble() < fraction)
                    {
                        return candidate.Fault;
                    }

                    continue;
                }

                if (candidate.Remaining > 0)
                {
                    candidate.Remaining--;
                    return candidate.Fault;
                }
            }

            return null;
        }
    }

    private ResponseMessage Record(IRequestMessage request, ResponseMessage response)
    {
        lock (_received)
        {
            _received.Add(new FakeReceivedRequest(request.Method.ToUpperInvariant(), request.AbsolutePath, OperationOf(request), Headers(request), request.Body,
                response.StatusCode as int? ?? 0, new DateTimeOffset(request.DateTime.ToUniversalTime(), TimeSpan.Zero), DateTimeOffset.UtcNow));
            if (_received.Count > _options.MaxRequestLogCount)
            {
                _received.RemoveAt(0);
            }
        }

        return response;
    }

    private sealed class ActiveFault(FakeFault fault, int? remaining)
    {
        public FakeFault Fault { get; } = fault;

        public int? Remaining { get; set; } = remaining;
    }

    // As the service: the trace id of the caller's W3C traceparent when it sent one, else a new one.
    private static string TraceId(Dictionary<string, string> headers) =>
        headers.TryGetValue("traceparent", out var parent) && parent.Split('-') is [_, { Length: 32 } id, ..] && id.All(char.IsAsciiHexDigitLower)
            ? id
            : System.Diagnostics.ActivityTraceId.CreateRandom().ToHexString();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
