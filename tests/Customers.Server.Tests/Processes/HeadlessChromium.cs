using System.Diagnostics;

namespace Customers.Server.Tests.Processes;

/// <summary>
/// Debian's Chromium in headless mode, as a user's browser would load a page. Every host name but
/// 127.0.0.1 is unresolvable, so a page that needs the internet (a CDN script, web fonts) shows it.
/// </summary>
public static class HeadlessChromium
{
    /// <summary>The browser's executable (CHROMIUM overrides), or null where none is installed.</summary>
    public static string? Executable { get; } = new[] { Environment.GetEnvironmentVariable("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser" }
        .FirstOrDefault(path => !string.IsNullOrEmpty(path) && File.Exists(path));

    /// <summary>The DOM after the page's scripts ran (up to ten seconds of virtual time).</summary>
    public static async Task<string> DumpDomAsync(Uri page) => await RunAsync(page, "--dump-dom");

    public static async Task ScreenshotAsync(Uri page, string pngPath) =>
        await RunAsync(page, $"--screenshot={pngPath}", "--window-size=1400,1000");

    private static async Task<string> RunAsync(Uri page, params string[] action)
    {
        var profile = Directory.CreateTempSubdirectory("customers-chromium-").FullName;
        var start = new ProcessStartInfo(Executable ?? throw new InvalidOperationException("Chromium is not installed."))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        string[] flags =
        [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            $"--user-data-dir={profile}", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            "--virtual-time-budget=10000",
        ];
        foreach (var argument in flags.Concat(action).Append(page.ToString()))
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"Chromium did not finish loading {page} within 90 s.");
            }

            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"Chromium exited {process.ExitCode}:\n{await errors}");
            }

            return await output;
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }
}
