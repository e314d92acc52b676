using System.Net.Http.Json;
using System.Text.Json;

namespace Customers.Server.Tests.Audit;

/// <summary>Reading the trail through the API, as an auditor does.</summary>
public static class AuditTrail
{
    public static string Events(string org = Api.Org, string? query = null) => $"/v4/orgs/{org}/audit-events{query}";

    /// <summary>Every event of the organization, following next from the start.</summary>
    public static async Task<List<JsonElement>> AllAsync(HttpClient client, string org = Api.Org, int limit = 100)
    {
        var events = new List<JsonElement>();
        string? after = null;
        do
        {
            var page = await PageAsync(client, org, after, limit);
            events.AddRange(page.GetProperty("events").EnumerateArray());
            after = page.GetProperty("next").GetString();
        }
        while (after is not null);

        return events;
    }

    public static async Task<JsonElement> PageAsync(HttpClient client, string org, string? after, int limit)
    {
        using var response = await client.GetAsync(Events(org, $"?limit={limit}{(after is null ? "" : $"&after={after}")}"));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).Clone();
    }

    public static async Task<JsonElement> VerifyAsync(HttpClient client, string org = Api.Org)
    {
        using var response = await client.GetAsync(Events(org) + "/verification");
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
