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

    private FakeCustomersService(FakeCustomersServiceOptions options)
    {
        _options = options;
        var api = new FakeCustomersApi(_state, options);
        _server = WireMockServer.Start(new WireMockServerSettings
        {
            // An explicit loopback address: with a port only, WireMock may listen on every interface.
            Urls = [$"http://127.0.0.1:{FreePort()}"],
            MaxRequestLogCount = options.MaxRequestLogCount,
            Logger = new WireMockNullLogger(),
        });
        _server
            .Given(Request.Create().WithPath(new RegexMatcher(".*")).UsingAnyMethod())
            .RespondWith(Response.Create().WithCallback(request => Answer(api, request)));
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

    /// <summary>Forgets every customer, credential and idempotency key.</summary>
    public void Reset()
    {
        lock (_state.Gate)
        {
            _state.Clear();
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

    private static ResponseMessage Answer(FakeCustomersApi api, IRequestMessage request)
    {
        var headers = (request.Headers ?? new Dictionary<string, WireMockList<string>>())
            .ToDictionary(h => h.Key.ToLowerInvariant(), h => string.Join(",", h.Value), StringComparer.Ordinal);
        var answer = api.Handle(request.Method.ToUpperInvariant(), request.AbsolutePath, headers, request.Body);
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
