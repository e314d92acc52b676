using System.Net;
using System.Text.RegularExpressions;
using Customers.ContractChecks;
using Customers.Server.Tests.Processes;
using Xunit.Abstractions;

namespace Customers.Server.Tests;

/// <summary>The interactive docs page at /docs/: served without roles, complete without internet access.</summary>
public sealed partial class DocsPageTests(SharedService service, ITestOutputHelper output) : IClassFixture<SharedService>
{
    [Fact]
    public async Task The_docs_page_and_every_asset_it_references_come_from_the_service()
    {
        using var client = service.CreateClient(roles: null);

        using var page = await client.GetAsync("/docs/");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("customers-v4.yaml", html);
        var assets = AssetReference().Matches(html).Select(m => m.Groups["url"].Value).ToList();
        Assert.NotEmpty(assets);
        foreach (var asset in assets)
        {
            Assert.False(Uri.TryCreate(asset, UriKind.Absolute, out _) || asset.StartsWith("//", StringComparison.Ordinal), $"{asset} is loaded from another host");
            using var response = await client.GetAsync($"/docs/{asset}");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"/docs/{asset} answered {(int)response.StatusCode}");
        }
    }

    [SkippableFact]
    [Trait("Tier", "Slow")]
    [Trait("Needs", "Chromium")]
    [Trait("Needs", "Processes")]
    public async Task A_browser_without_internet_access_shows_every_credential_operation()
    {
        var ci = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
        Skip.If(HeadlessChromium.Executable is null && !ci, "SKIPPED, NO CHROMIUM: install the Debian package chromium, or set CHROMIUM.");
        await using var process = await ServiceProcess.StartAsync(Directory.CreateTempSubdirectory("customers-docs-").FullName);
        var docs = new Uri(process.BaseAddress, "/docs/");

        var dom = WebUtility.HtmlDecode(await HeadlessChromium.DumpDomAsync(docs));
        var screenshot = Path.Combine(ArtifactsDirectory(), "docs-page.png");
        await HeadlessChromium.ScreenshotAsync(docs, screenshot);
        output.WriteLine($"Screenshot of {docs}: {screenshot}");

        var credentialOperations = OpenApiContract.Default.Operations.Where(o => o.Tags.Contains("Customer credentials")).ToList();
        Assert.NotEmpty(credentialOperations);
        Assert.All(credentialOperations, operation => Assert.True(dom.Contains(operation.Summary, StringComparison.Ordinal),
            $"The rendered page does not show {operation}: \"{operation.Summary}\""));
        Assert.True(new FileInfo(screenshot).Length > 10_000, "The screenshot is (nearly) empty.");
    }

    /// <summary>Where tests keep what a person may want to look at afterwards (TEST_ARTIFACTS_DIR; tests/run.sh sets it).</summary>
    private static string ArtifactsDirectory()
    {
        var directory = Environment.GetEnvironmentVariable("TEST_ARTIFACTS_DIR") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Path.GetTempPath(), "customers-test-artifacts");
        return Directory.CreateDirectory(directory).FullName;
    }

    [GeneratedRegex("""(?:src|href)="(?<url>[^"]+)"|import \{[^}]*\} from '(?<url>[^']+)'""")]
    private static partial Regex AssetReference();
}
