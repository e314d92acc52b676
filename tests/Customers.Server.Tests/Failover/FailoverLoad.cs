using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Customers.Server.Tests.Failover;

/// <summary>
/// Writers creating credentials with unique usernames, one customer each, and a probe of
/// /health/ready, every answer recorded with when it was asked and when it came, on one clock.
/// </summary>
public sealed class FailoverLoad(HttpClient client, IReadOnlyList<Guid> customers)
{
    public sealed record Answer(TimeSpan Sent, TimeSpan Received, HttpStatusCode Status, string? Code, string Username);

    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public ConcurrentQueue<Answer> Creates { get; } = new();

    public ConcurrentQueue<(TimeSpan At, HttpStatusCode Status)> Readiness { get; } = new();

    /// <summary>Exceptions instead of answers (a broken or hung request): a failover must cause none.</summary>
    public ConcurrentQueue<string> Errors { get; } = new();

    public TimeSpan Now => _clock.Elapsed;

    public Task RunAsync(CancellationToken stop) => Task.WhenAll(
        Enumerable.Range(0, customers.Count).Select(w => Task.Run(() => WriteAsync(w, stop)))
            .Append(Task.Run(() => ProbeAsync(stop))));

    /// <summary>The first 201 that came back after <paramref name="moment"/>.</summary>
    public Answer? FirstCreatedAfter(TimeSpan moment) =>
        Creates.Where(a => a.Status == HttpStatusCode.Created && a.Received > moment).MinBy(a => a.Received);

    private async Task WriteAsync(int writer, CancellationToken stop)
    {
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var username = $"failover-{writer}-{i}@example.com";
            var sent = Now;
            try
            {
                using var response = await client.PostAsync(Api.Credentials(customers[writer]),
                    Api.Json(JsonSerializer.Serialize(new Dictionary<string, string> { ["username"] = username })), CancellationToken.None);
                var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
                var code = response.IsSuccessStatusCode ? null : JsonDocument.Parse(body).RootElement.GetProperty("errors")[0].GetProperty("error").GetProperty("code").GetString();
                Creates.Enqueue(new Answer(sent, Now, response.StatusCode, code, username));
                if (!response.IsSuccessStatusCode)
                {
                    await Task.Delay(20, CancellationToken.None); // as a caller backs off, without flooding the log
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or JsonException)
            {
                Errors.Enqueue($"{username}: {exception.GetType().Name}: {exception.Message}");
            }
        }
    }

    private async Task ProbeAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var response = await client.GetAsync("/health/ready", CancellationToken.None);
                Readiness.Enqueue((Now, response.StatusCode));
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                Errors.Enqueue($"/health/ready: {exception.GetType().Name}: {exception.Message}");
            }

            await Task.Delay(50, CancellationToken.None);
        }
    }
}
