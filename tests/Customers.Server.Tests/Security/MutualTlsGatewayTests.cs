using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Customers.Server.Tests.Processes;

namespace Customers.Server.Tests.Security;

/// <summary>
/// Gateway mode with mutual TLS, over real TLS to the service's Kestrel: x-auth-roles counts only
/// from a connection whose client certificate chains to the gateway's CA. The service also has a
/// plain-HTTP endpoint (for health probes), where the same header counts for nothing.
/// </summary>
[Trait("Tier", "Slow")]
[Trait("Needs", "Processes")]
public sealed partial class MutualTlsGatewayTests : IAsyncLifetime
{
    private readonly TestCertificates _pki = TestCertificates.NewAuthority("Customers test gateway CA");
    private readonly TestCertificates _rogue = TestCertificates.NewAuthority("Someone else's CA");
    private ServiceProcess _service = null!;
    private Uri _https = null!;
    private string _serverCertificate = null!;
    private string _serverKey = null!;

    public async Task InitializeAsync()
    {
        (_serverCertificate, _serverKey) = _pki.WritePem(_pki.IssueServer(), "server");
        _service = await ServiceProcess.StartAsync(Directory.CreateTempSubdirectory("customers-mtls-").FullName, new Dictionary<string, string>
        {
            // A fixed port: Kestrel rebinds the endpoint when its certificate files change, and port 0 would move it.
            ["Kestrel__Endpoints__Gateway__Url"] = $"https://127.0.0.1:{FreePort.Next()}",
            ["Kestrel__Endpoints__Gateway__Certificate__Path"] = _serverCertificate,
            ["Kestrel__Endpoints__Gateway__Certificate__KeyPath"] = _serverKey,
            ["Kestrel__Endpoints__Gateway__ClientCertificateMode"] = "RequireCertificate",
            ["Kestrel__Endpoints__Probes__Url"] = "http://127.0.0.1:0",
            ["Authentication__Gateway__ClientCertificateAuthority"] = _pki.WriteAuthority(),
        });
        _https = new Uri(_service.Output.Select(line => HttpsListening().Match(line)).First(m => m.Success).Groups["address"].Value);
    }

    public async Task DisposeAsync()
    {
        await _service.DisposeAsync();
        _pki.Dispose();
        _rogue.Dispose();
    }

    [Fact]
    public async Task The_gateways_certificate_speaks_for_the_caller()
    {
        using var gateway = Client(_pki.IssueClient("CN=gateway"));

        using var created = await gateway.PostAsync(Api.Customers(), Api.Json("{}"));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    [Fact]
    public async Task A_certificate_from_another_CA_gets_401_with_the_same_header()
    {
        using var impostor = Client(_rogue.IssueClient("CN=gateway"));

        using var refused = await impostor.PostAsync(Api.Customers(), Api.Json("{}"));

        await Api.AssertErrorAsync(refused, HttpStatusCode.Unauthorized, "UNTRUSTED_GATEWAY", "header.x-auth-roles");
        Assert.True(refused.Headers.Contains("x-trace-id"));
    }

    [Fact]
    public async Task Without_a_client_certificate_the_TLS_endpoint_answers_nothing()
    {
        using var anonymous = Client(certificate: null);

        await Assert.ThrowsAsync<HttpRequestException>(() => anonymous.PostAsync(Api.Customers(), Api.Json("{}")));
    }

    [Fact]
    public async Task The_plain_http_endpoint_serves_health_but_trusts_no_roles()
    {
        using var plain = _service.CreateClient("API_KEY");

        using var ready = await plain.GetAsync("/health/ready");
        using var refused = await plain.PostAsync(Api.Customers(), Api.Json("{}"));

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        await Api.AssertErrorAsync(refused, HttpStatusCode.Unauthorized, "UNTRUSTED_GATEWAY");
    }

    [Fact]
    public async Task A_renewed_server_certificate_is_served_without_a_restart()
    {
        var before = await ServedCertificateAsync();
        var renewed = _pki.IssueServer();

        // As a secret mount or certbot renews: new files written over the old ones.
        File.WriteAllText(_serverKey, renewed.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(_serverCertificate, renewed.ExportCertificatePem());

        string? served = before;
        for (var waited = System.Diagnostics.Stopwatch.StartNew(); served != renewed.Thumbprint && waited.Elapsed < TimeSpan.FromSeconds(20); await Task.Delay(250))
        {
            try
            {
                served = await ServedCertificateAsync();
            }
            catch (HttpRequestException)
            {
                served = null; // Kestrel closes and reopens the endpoint to take the new certificate
            }
        }

        Assert.True(renewed.Thumbprint == served, $"Still served {served}; the service said:\n{string.Join('\n', _service.Output.TakeLast(20))}");
        Assert.False(_service.HasExited);
    }

    private async Task<string> ServedCertificateAsync()
    {
        string? thumbprint = null;
        using var handler = Handler(_pki.IssueClient("CN=gateway"));
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            thumbprint = certificate!.GetCertHashString();
            return true;
        };
        using var client = new HttpClient(handler) { BaseAddress = _https };
        using var _ = await client.GetAsync("/health/live");
        return thumbprint!;
    }

    private HttpClient Client(X509Certificate2? certificate)
    {
        var client = new HttpClient(Handler(certificate), disposeHandler: true) { BaseAddress = _https, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Add("x-auth-roles", "API_KEY");
        return client;
    }

    // The client trusts the server's certificate only as issued by the test CA, as a gateway would.
    private SocketsHttpHandler Handler(X509Certificate2? certificate)
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero };
        handler.SslOptions.ClientCertificates = certificate is null ? null : new X509CertificateCollection { certificate };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, served, _, errors) =>
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(_pki.Authority);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) == SslPolicyErrors.None && chain.Build(served as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(served!.GetRawCertData()));
        };
        return handler;
    }

    [GeneratedRegex(@"Now listening on: (?<address>https://127\.0\.0\.1:[0-9]+)")]
    private static partial Regex HttpsListening();
}
