using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Customers.ContractChecks;

/// <summary>One operation of the contract: its method, path template, summary, tags and documented responses.</summary>
public sealed class ContractOperation(string operationId, string method, string pathTemplate, IReadOnlyDictionary<int, ContractResponse> responses, JsonNode? requestExample, string summary, IReadOnlyList<string> tags)
{
    private readonly Regex _path = new("^" + Regex.Replace(pathTemplate, @"\{[^}]+\}", "[^/]+") + "$", RegexOptions.CultureInvariant);

    public string OperationId { get; } = operationId;

    public string Method { get; } = method;

    public string PathTemplate { get; } = pathTemplate;

    public IReadOnlyDictionary<int, ContractResponse> Responses { get; } = responses;

    public string Summary { get; } = summary;

    public IReadOnlyList<string> Tags { get; } = tags;

    /// <summary>The request body's example in the contract, or null when the operation takes no body.</summary>
    public JsonNode? RequestExample { get; } = requestExample;

    public bool Matches(string path) => _path.IsMatch(path);

    /// <summary>
    /// A request to this operation as the contract describes it: the path template filled from
    /// <paramref name="pathValues"/> (by parameter name) and the documented request example as body.
    /// Tests that must cover every operation build their requests here, so a new operation is covered
    /// without anyone listing it.
    /// </summary>
    public HttpRequestMessage CreateRequest(IReadOnlyDictionary<string, string> pathValues)
    {
        var path = Regex.Replace(PathTemplate, @"\{([^}]+)\}", m => pathValues.TryGetValue(m.Groups[1].Value, out var value)
            ? Uri.EscapeDataString(value)
            : throw new ArgumentException($"{OperationId} needs a value for path parameter {m.Groups[1].Value}.", nameof(pathValues)));
        var request = new HttpRequestMessage(new HttpMethod(Method), path);
        if (RequestExample is not null)
        {
            request.Content = new StringContent(RequestExample.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        }

        return request;
    }

    public override string ToString() => $"{OperationId} ({Method} {PathTemplate})";
}
