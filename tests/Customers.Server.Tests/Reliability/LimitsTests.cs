using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Customers.Server.Tests.Processes;

namespace Customers.Server.Tests.Reliability;

/// <summary>Kestrel's header, request-line and body limits, as the README documents them, on the real server.</summary>
[Collection(ProcessTests.Name)]
[Trait("Tier", "Slow")]
[Trait("Needs", "Processes")]
public sealed class LimitsTests
{
    [Fact]
    public async Task Oversized_headers_answer_431_an_overlong_path_414_and_the_service_carries_on()
    {
        await using var service = await ServiceProcess.StartAsync(Directory.CreateTempSubdirectory("customers-limits-").FullName);
        using var client = service.CreateClient();

        using var hugeHeader = new HttpRequestMessage(HttpMethod.Get, Api.Credentials(Guid.NewGuid()));
        hugeHeader.Headers.Add("x-padding", new string('a', 17 * 1024));
        using var tooManyHeaders = new HttpRequestMessage(HttpMethod.Get, Api.Credentials(Guid.NewGuid()));
        for (var i = 0; i < 70; i++)
        {
            tooManyHeaders.Headers.Add($"x-h{i}", "1");
        }

        using var large = await client.SendAsync(hugeHeader);
        using var many = await client.SendAsync(tooManyHeaders);
        using var longLine = await client.GetAsync(Api.Credentials(Guid.NewGuid(), new string('o', 5000)));

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, large.StatusCode);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, many.StatusCode);
        Assert.Equal(HttpStatusCode.RequestUriTooLong, longLine.StatusCode);
        using var after = await client.GetAsync(Api.Credentials(Guid.NewGuid()));
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
    }

    private const int BodyLimit = 64 * 1024;

    [Fact]
    public async Task A_body_over_the_limit_answers_413_with_connection_close_and_a_keep_alive_client_carries_on()
    {
        await using var service = await ServiceProcess.StartAsync(Directory.CreateTempSubdirectory("customers-limits-").FullName);
        using var client = service.CreateClient(); // SocketsHttpHandler: keeps connections alive and reuses them
        var customer = await Api.CreateCustomerAsync(client);

        for (var round = 0; round < 5; round++)
        {
            using var tooLarge = await client.PostAsync(Api.Credentials(customer),
                Api.Json($$"""{"username":"{{new string('a', BodyLimit)}}"}"""));
            await Api.AssertErrorAsync(tooLarge, HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE", "body");
            Assert.True(tooLarge.Headers.ConnectionClose, "a 413 that leaves the body unread must say Connection: close");

            using var next = await client.GetAsync(Api.Credentials(customer));
            Assert.Equal(HttpStatusCode.OK, next.StatusCode);
        }
    }

    [Fact]
    public async Task After_an_early_413_the_server_closes_the_connection_cleanly()
    {
        await using var service = await ServiceProcess.StartAsync(Directory.CreateTempSubdirectory("customers-limits-").FullName);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, service.BaseAddress.Port);
        var body = $$"""{"username":"{{new string('a', BodyLimit)}}"}""";
        var request = $"POST {Api.Credentials(Guid.NewGuid())} HTTP/1.1\r\nHost: 127.0.0.1\r\nx-auth-roles: API_KEY\r\n" +
            $"Content-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}";
        await socket.SendAsync(Encoding.UTF8.GetBytes(request));

        var received = new MemoryStream();
        var buffer = new byte[8192];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0) // 0: the server's FIN, not a reset
        {
            received.Write(buffer, 0, read);
        }

        var response = Encoding.UTF8.GetString(received.ToArray());
        Assert.StartsWith("HTTP/1.1 413 ", response);
        Assert.Contains("\r\nConnection: close\r\n", response, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("PAYLOAD_TOO_LARGE", response);
    }

    /// <summary>
    /// An over-limit body is read and dropped before the 413 only when that is cheap: not when the
    /// client holds it back with Expect: 100-continue (it would be asked to send it), and not when it
    /// is more than 1 MiB past the limit. Either way the 413 comes at once, not after the 5 s that
    /// dropping a body may take.
    /// </summary>
    [Theory]
    [InlineData(true, BodyLimit + 16)]
    [InlineData(false, BodyLimit + 2 * 1024 * 1024)]
    public async Task An_over_limit_body_not_worth_reading_answers_413_at_once(bool expectContinue, int length)
    {
        await using var service = await ServiceProcess.StartAsync(Directory.CreateTempSubdirectory("customers-limits-").FullName);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, service.BaseAddress.Port);
        var headers = $"POST {Api.Credentials(Guid.NewGuid())} HTTP/1.1\r\nHost: 127.0.0.1\r\nx-auth-roles: API_KEY\r\n" +
            $"Content-Type: application/json\r\nContent-Length: {length}\r\n{(expectContinue ? "Expect: 100-continue\r\n" : "")}\r\n";
        var clock = Stopwatch.StartNew();
        await socket.SendAsync(Encoding.ASCII.GetBytes(headers));
        if (!expectContinue)
        {
            await socket.SendAsync(Encoding.ASCII.GetBytes("{\"username\":\"" + new string('a', 1000))); // a start, then nothing
        }

        var received = new StringBuilder();
        var buffer = new byte[8192];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            int read;
            while (!received.ToString().Contains("PAYLOAD_TOO_LARGE", StringComparison.Ordinal)
                && (read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0)
            {
                received.Append(Encoding.UTF8.GetString(buffer, 0, read));
            }
        }
        catch (SocketException)
        {
            // The server may reset the connection after the 413, with the body unread.
        }

        var response = received.ToString();
        Assert.StartsWith("HTTP/1.1 413 ", response); // not "100 Continue" first
        Assert.Contains("PAYLOAD_TOO_LARGE", response);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"the 413 took {clock.Elapsed.TotalSeconds:F1} s");
    }
}
