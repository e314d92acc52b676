using System.Diagnostics;

namespace Customers.Bench;

/// <summary>Time from starting a process to its first 200 on a URL, the median of several runs.</summary>
public static class ColdStart
{
    public static async Task<int> RunAsync(Uri url, int runs, string[] command)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var times = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in command.Skip(1))
            {
                start.ArgumentList.Add(argument);
            }

            var clock = Stopwatch.StartNew();
            using var process = Process.Start(start)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                while (!await AnswersOkAsync(http, url))
                {
                    if (process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(60))
                    {
                        Console.Error.WriteLine($"{string.Join(' ', command)} never answered 200 on {url}");
                        return 1;
                    }

                    await Task.Delay(2);
                }

                times.Add(clock.Elapsed.TotalMilliseconds);
            }
            finally
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }

        times.Sort();
        Console.WriteLine($"{times[times.Count / 2]:F0}");
        return 0;
    }

    private static async Task<bool> AnswersOkAsync(HttpClient http, Uri url)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Add("x-auth-roles", "API_KEY");
            using var response = await http.SendAsync(request);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }
}
