using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Customers.ContractRules;
using Customers.Server.Contract;
using Customers.Server.Errors;
using Customers.Server.Storage;

namespace Customers.Server.Endpoints;

/// <summary>
/// Binds a request to its operation's rules from the generated table (<see cref="ContractOperations"/>)
/// and checks it with the shared <see cref="RequestRules"/>: first each uuid in the path and the
/// body, then, when those are sound, every other parameter. Answers the errors of the highest
/// status together: a 413 that listed INVALID_UUID would carry a code the contract gives to 400.
/// Makes the <see cref="IdempotencyKey"/> of an operation that takes the Idempotency-Key header.
/// </summary>
internal sealed class RequestBinder(RequestBodyReader bodies, IdempotencyFingerprints fingerprints)
{
    /// <summary>The bound request, or null with the errors to answer.</summary>
    public async Task<(BoundRequest? Request, IReadOnlyList<RequestError>? Errors)> BindAsync(HttpContext http, OperationRule operation, JsonTypeInfo? bodyType)
    {
        var parameters = operation.Parameters;
        var values = new string?[parameters.Count];
        var uuids = new Guid[parameters.Count];
        List<RequestError>? errors = null;
        for (var i = 0; i < parameters.Count; i++)
        {
            values[i] = Value(http.Request, parameters[i]);
            if (IsUuid(parameters[i]) && RequestRules.Uuid(parameters[i], values[i] ?? "", out uuids[i]) is { } broken)
            {
                (errors ??= []).Add(Error(broken));
            }
        }

        object? body = null;
        if (operation.Body is { } schema)
        {
            (body, var bodyErrors) = await ReadBodyAsync(http, schema, bodyType ?? throw new ArgumentNullException(nameof(bodyType), $"{operation.Id} takes a body: its JSON type is needed."));
            if (bodyErrors is not null)
            {
                (errors ??= []).AddRange(bodyErrors);
            }
        }

        if (errors is null)
        {
            for (var i = 0; i < parameters.Count; i++)
            {
                if (!IsUuid(parameters[i]) && RequestRules.Parameter(parameters[i], values[i]) is { } broken)
                {
                    (errors ??= []).Add(Error(broken));
                }
            }
        }

        if (errors is not null)
        {
            var status = errors.Max(e => e.Status);
            return (null, errors.FindAll(e => e.Status == status));
        }

        return (new BoundRequest(operation, values, uuids, body, Key(operation, values, uuids, body, bodyType)), null);
    }

    private static bool IsUuid(ParameterRule parameter) => parameter is { In: "path", Format: "uuid" };

    // As MVC bound them: a route value as routing decoded it, the first value of a query parameter
    // with an empty one counting as absent, a header's lines joined with commas (an empty header is
    // present, and breaks its minLength).
    private static string? Value(HttpRequest request, ParameterRule parameter) => parameter.In switch
    {
        "path" => request.RouteValues[parameter.Name] as string,
        "query" => request.Query[parameter.Name] is { Count: > 0 } query && !string.IsNullOrEmpty(query[0]) ? query[0] : null,
        "header" => request.Headers.TryGetValue(parameter.Name, out var header) ? header.ToString() : null,
        _ => throw new InvalidOperationException($"A parameter in {parameter.In} is not bound (only path, query and header are)."),
    };

    private async Task<(object? Body, IReadOnlyList<RequestError>? Errors)> ReadBodyAsync(HttpContext http, BodyRule schema, JsonTypeInfo type)
    {
        var (bytes, readError) = await bodies.ReadAsync(http);
        if (readError is not null)
        {
            return (null, [readError]);
        }

        if (RequestRules.Parse(bytes, out var document) is { } unparsed)
        {
            return (null, [Error(unparsed)]);
        }

        using (document)
        {
            var broken = RequestRules.Body(schema, document!.RootElement);
            if (broken.Count > 0)
            {
                return (null, broken.Select(Error).ToList());
            }

            try
            {
                return (document.Deserialize(type), null);
            }
            catch (Exception exception) when (exception is JsonException or InvalidOperationException or FormatException)
            {
                // The rules checked every field's JSON type; a value they let through that the DTO cannot hold is still the caller's.
                return (null, [ContractErrors.InvalidFieldType.At("body", "A field of the request body has the wrong JSON type.")]);
            }
        }
    }

    /// <summary>
    /// The key with the request's fingerprint: the operation and, by name, each path parameter as
    /// parsed (a uuid in any letter case is one value) and the body as the contract's JSON context
    /// writes the DTO, so white space and member order do not count and a field added to the
    /// contract is part of it with no code. The same parts as the MVC filter made, so that keys
    /// stored before keep replaying.
    /// </summary>
    private IdempotencyKey? Key(OperationRule operation, string?[] values, Guid[] uuids, object? body, JsonTypeInfo? bodyType)
    {
        var header = -1;
        for (var i = 0; i < operation.Parameters.Count; i++)
        {
            if (operation.Parameters[i] is { In: "header" } parameter && string.Equals(parameter.Name, ContractHeaders.IdempotencyKey, StringComparison.OrdinalIgnoreCase))
            {
                header = i;
            }
        }

        if (header < 0 || values[header] is not { } key)
        {
            return null;
        }

        var parts = new List<(string Name, string Value)>();
        for (var i = 0; i < operation.Parameters.Count; i++)
        {
            if (operation.Parameters[i].In == "path")
            {
                parts.Add((operation.Parameters[i].Name, IsUuid(operation.Parameters[i]) ? uuids[i].ToString() : values[i]!));
            }
        }

        if (body is not null)
        {
            parts.Add(("body", JsonSerializer.Serialize(body, bodyType!)));
        }

        parts.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return fingerprints.For(key, operation.Id, parts.Select(p => (string?)$"{p.Name}={p.Value}").ToArray());
    }

    private static RequestError Error(RuleBreak broken) => broken.Error.At(broken.Ref, broken.Message);
}
