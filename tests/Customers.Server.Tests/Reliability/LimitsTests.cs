using System.Net;
using Customers.Server.Tests.Processes;

namespace Customers.Server.Tests.Reliability;

/// <summary>Kestrel's header and request-line limits, as the README documents them, on the real server.</summary>
[Collection(ProcessTests.Name)]
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
}
