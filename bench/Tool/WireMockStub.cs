using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace Customers.Bench;

/// <summary>
/// A WireMock.Net stub answering the same GET body, for the p99 comparison. Default settings, as a
/// team would start it (and as the reference figures were measured): it keeps every request
/// in its log, which is what makes its tail and its memory grow under load.
/// </summary>
public static class WireMockStub
{
    public static async Task<int> RunAsync(int port, string path, string bodyFile)
    {
        var body = await File.ReadAllTextAsync(bodyFile);
        using var server = WireMockServer.Start(new WireMockServerSettings
        {
            Urls = [$"http://127.0.0.1:{port}"],
        });
        server.Given(Request.Create().UsingGet().WithPath(path))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json; charset=utf-8").WithBody(body));
        Console.WriteLine($"listening on {server.Url}");
        await Task.Delay(Timeout.Infinite);
        return 0;
    }
}
