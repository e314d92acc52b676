using Customers.Precis;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Customers.Client.Models;

namespace Customers.Client.Testing;

/// <summary>
/// The fake's behaviour, request by request, in the real service's order of checks: path and method,
/// media type, roles (401/403), path and header parameters and body (400), existence (404), then
/// idempotency and uniqueness (409).
/// </summary>
internal sealed partial class FakeCustomersApi(FakeState state, FakeCustomersServiceOptions options)
{
    private const int UsernameMaxLength = 82;
    private const int ExternalIdMaxLength = 64;
    private const int OrgMaxLength = 64;

    public FakeAnswer Handle(string method, string path, IReadOnlyDictionary<string, string> headers, string? body)
    {
        try
        {
            return Route(method, path, headers, body);
        }
        catch (FakeError error)
        {
            return FakeAnswer.Json(error.Status, error.ToResponse(), FakeJsonContext.Default.ErrorResponse);
        }
    }

    private FakeAnswer Route(string method, string path, IReadOnlyDictionary<string, string> headers, string? body)
    {
        var (operations, values) = Match(path);
        if (!operations.TryGetValue(method, out var operationId))
        {
            return FakeAnswer.MethodNotAllowed(operations.Keys);
        }

        if (method == "POST" && !IsJson(headers))
        {
            throw new FakeError(415, "UNSUPPORTED_MEDIA_TYPE", "Unsupported media type", "header.content-type", "The request body must be sent with Content-Type application/json.");
        }

        CheckRoles(headers, operationId);
        var org = Org(values[0]);
        var now = options.TimeProvider.GetUtcNow();
        lock (state.Gate)
        {
            return operationId switch
            {
                "createCustomer" => Idempotent(org, headers, method + path + body, now, () => CreateCustomer(org, body, now)),
                "getCustomer" => GetCustomer(org, Uuid(values[1], "customer_id")),
                "createCredential" => CreateCredential(org, Uuid(values[1], "customer_id"), headers, path, body, now),
                "listCredentials" => ListCredentials(org, Uuid(values[1], "customer_id")),
                _ => DeleteCredential(org, Uuid(values[1], "customer_id"), Uuid(values[2], "credential_id")),
            };
        }
    }

    private static (Dictionary<string, string> Operations, string[] Values) Match(string path)
    {
        var match = CredentialPath().Match(path);
        if (match.Success)
        {
            return (new() { ["DELETE"] = "deleteCredential" }, Groups(match));
        }

        match = CredentialsPath().Match(path);
        if (match.Success)
        {
            return (new() { ["GET"] = "listCredentials", ["POST"] = "createCredential" }, Groups(match));
        }

        match = CustomerPath().Match(path);
        if (match.Success)
        {
            return (new() { ["GET"] = "getCustomer" }, Groups(match));
        }

        match = CustomersPath().Match(path);
        if (match.Success)
        {
            return (new() { ["POST"] = "createCustomer" }, Groups(match));
        }

        throw new FakeError(404, "RESOURCE_NOT_FOUND", "Resource not found", "path", "No operation of this API has this path.");
    }

    private static string[] Groups(Match match) => match.Groups.Cast<Group>().Skip(1).Select(g => Uri.UnescapeDataString(g.Value)).ToArray();

    private static bool IsJson(IReadOnlyDictionary<string, string> headers) =>
        headers.TryGetValue("content-type", out var value)
        && value.Split(';')[0].Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase);

    private void CheckRoles(IReadOnlyDictionary<string, string> headers, string operationId)
    {
        var roles = headers.TryGetValue("x-auth-roles", out var value)
            ? value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : [];
        if (roles.Length == 0)
        {
            throw new FakeError(401, "MISSING_ROLES", "Missing roles", "header.x-auth-roles", "The x-auth-roles header is missing or empty.");
        }

        if (!roles.Any(options.PermittedRoles.Contains))
        {
            throw new FakeError(403, "ROLE_NOT_PERMITTED", "Role not permitted", "header.x-auth-roles", $"None of the roles [{string.Join(", ", roles)}] is granted {operationId}.");
        }
    }

    private static string Org(string org) =>
        org.Length is > 0 and <= OrgMaxLength && OrgPattern().IsMatch(org)
            ? org
            : throw FakeError.BadRequest("INVALID_PARAMETER", "Invalid parameter", "path.org_id", "org_id must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.");

    private static Guid Uuid(string value, string name) =>
        Guid.TryParseExact(value, "D", out var id)
            ? id
            : throw FakeError.BadRequest("INVALID_UUID", "Invalid uuid", $"path.{name}", $"{name} must be a uuid such as 123e4567-e89b-12d3-a456-556642440000.");

    private FakeAnswer Idempotent(string org, IReadOnlyDictionary<string, string> headers, string fingerprint, DateTimeOffset now, Func<FakeAnswer> create)
    {
        if (!headers.TryGetValue("idempotency-key", out var key))
        {
            return create();
        }

        if (key.Length is 0 or > 128 || key.Any(c => c is < '!' or > '~'))
        {
            throw FakeError.BadRequest("INVALID_PARAMETER", "Invalid parameter", "header.idempotency-key", "Idempotency-Key must be 1 to 128 printable ASCII characters.");
        }

        if (state.Remembered(org, key, now) is { } earlier)
        {
            return earlier.Fingerprint == fingerprint
                ? new FakeAnswer(201, earlier.Body, null)
                : throw new FakeError(409, "IDEMPOTENCY_KEY_REUSED", "Idempotency key reused", "header.idempotency-key", $"The Idempotency-Key was already used in organization {org} for a different request.");
        }

        var answer = create();
        state.Remember(org, key, new RememberedCreation(fingerprint, answer.Body!, now));
        return answer;
    }

    private FakeAnswer CreateCustomer(string org, string? body, DateTimeOffset now)
    {
        var fields = Fields(body, ["external_id"]);
        string? externalId = null;
        if (fields.TryGetValue("external_id", out var value) && value.ValueKind != JsonValueKind.Null)
        {
            externalId = Text(value, "external_id", ExternalIdMaxLength);
        }

        var customer = state.AddCustomer(org, externalId, now);
        return FakeAnswer.Json(201, new CustomerCreated { Id = customer.Id }, FakeJsonContext.Default.CustomerCreated);
    }

    private FakeAnswer GetCustomer(string org, Guid customerId)
    {
        var customer = ExistingCustomer(org, customerId);
        return FakeAnswer.Json(200, new Customer { Id = customer.Id, ExternalId = customer.ExternalId, CreatedAt = customer.CreatedAt }, FakeJsonContext.Default.Customer);
    }

    private FakeAnswer CreateCredential(string org, Guid customerId, IReadOnlyDictionary<string, string> headers, string path, string? body, DateTimeOffset now)
    {
        var fields = Fields(body, ["username"]);
        if (!fields.TryGetValue("username", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            throw FakeError.BadRequest("MISSING_FIELD", "Missing field", "body.username", "username is required.");
        }

        var username = Text(value, "username", UsernameMaxLength);
        if (!UsernameCaseMapped.TryEnforce(username, out _, out var problem))
        {
            throw FakeError.BadRequest("INVALID_USERNAME", "Invalid username", "body.username", problem);
        }

        var customer = ExistingCustomer(org, customerId);
        return Idempotent(org, headers, "POST" + path + body, now, () =>
        {
            if (state.UsernameTaken(org, username))
            {
                throw new FakeError(409, "USERNAME_TAKEN", "Username taken", "body.username", $"The username is already used in organization {org}.");
            }

            var credential = new FakeCredential(Guid.CreateVersion7(now), username, now);
            customer.Credentials.Add(credential);
            return FakeAnswer.Json(201, new CredentialCreated { Id = credential.Id, Username = credential.Username, CreatedAt = credential.CreatedAt }, FakeJsonContext.Default.CredentialCreated);
        });
    }

    private FakeAnswer ListCredentials(string org, Guid customerId)
    {
        var customer = ExistingCustomer(org, customerId);
        var list = new CredentialList
        {
            Credentials = customer.Credentials.Select(c => new CredentialResponse { Id = c.Id, Username = c.Username, CreatedAt = c.CreatedAt }).ToList(),
        };
        return FakeAnswer.Json(200, list, FakeJsonContext.Default.CredentialList);
    }

    private FakeAnswer DeleteCredential(string org, Guid customerId, Guid credentialId)
    {
        var customer = ExistingCustomer(org, customerId);
        if (customer.Credentials.RemoveAll(c => c.Id == credentialId) == 0)
        {
            throw new FakeError(404, "CREDENTIAL_NOT_FOUND", "Credential not found", "path.credential_id", $"Credential {credentialId} does not exist for customer {customerId}.");
        }

        return new FakeAnswer(204, null, null);
    }

    private FakeCustomer ExistingCustomer(string org, Guid customerId) =>
        state.Customer(org, customerId)
        ?? throw new FakeError(404, "CUSTOMER_NOT_FOUND", "Customer not found", "path.customer_id", $"Customer {customerId} does not exist in organization {org}.");

    private static Dictionary<string, JsonElement> Fields(string? body, string[] known)
    {
        if (string.IsNullOrEmpty(body))
        {
            throw FakeError.BadRequest("INVALID_JSON", "Invalid JSON", "body", "The request body is empty; a JSON object is expected.");
        }

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(body);
            root = document.RootElement.Clone();
        }
        catch (JsonException exception)
        {
            throw FakeError.BadRequest("INVALID_JSON", "Invalid JSON", "body", $"The request body is not valid JSON: {exception.Message}");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            throw FakeError.BadRequest("INVALID_FIELD_TYPE", "Invalid field type", "body", "The request body must be a JSON object.");
        }

        var fields = new Dictionary<string, JsonElement>();
        foreach (var property in root.EnumerateObject())
        {
            if (fields.ContainsKey(property.Name))
            {
                throw FakeError.BadRequest("DUPLICATE_FIELD", "Duplicate field", $"body.{property.Name}", $"{property.Name} appears more than once in the body; each field may be given once.");
            }

            if (!known.Contains(property.Name))
            {
                throw FakeError.BadRequest("UNKNOWN_FIELD", "Unknown field", $"body.{property.Name}", $"{property.Name} is not a field of this request; expected only: {string.Join(", ", known)}.");
            }

            fields[property.Name] = property.Value;
        }

        return fields;
    }

    private static string Text(JsonElement value, string name, int maxLength)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            throw FakeError.BadRequest("INVALID_FIELD_TYPE", "Invalid field type", $"body.{name}", $"{name} must be a string.");
        }

        var text = value.GetString()!;
        var characters = text.EnumerateRunes().Count();
        if (characters == 0)
        {
            throw FakeError.BadRequest("FIELD_TOO_SHORT", "Field too short", $"body.{name}", $"{name} must be at least 1 character.");
        }

        if (characters > maxLength)
        {
            throw FakeError.BadRequest("FIELD_TOO_LONG", "Field too long", $"body.{name}", string.Create(CultureInfo.InvariantCulture, $"{name} must be at most {maxLength} characters; it has {characters}."));
        }

        return TextPattern().IsMatch(text)
            ? text
            : throw FakeError.BadRequest("INVALID_FIELD_FORMAT", "Invalid field format", $"body.{name}", $"{name} must have no leading or trailing white space and no control characters.");
    }

    [GeneratedRegex(@"^/v4/orgs/([^/]+)/customers/([^/]+)/credentials/([^/]+)$")]
    private static partial Regex CredentialPath();

    [GeneratedRegex(@"^/v4/orgs/([^/]+)/customers/([^/]+)/credentials$")]
    private static partial Regex CredentialsPath();

    [GeneratedRegex(@"^/v4/orgs/([^/]+)/customers/([^/]+)$")]
    private static partial Regex CustomerPath();

    [GeneratedRegex(@"^/v4/orgs/([^/]+)/customers$")]
    private static partial Regex CustomersPath();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex OrgPattern();

    [GeneratedRegex(@"^[^\s\x00-\x1F\x7F-\x9F](?:[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F])?$")]
    private static partial Regex TextPattern();
}

/// <summary>What the fake answers: a status, a JSON body or none, and the Allow header of a 405.</summary>
internal sealed record FakeAnswer(int Status, string? Body, string? Allow)
{
    public static FakeAnswer Json<T>(int status, T value, JsonTypeInfo<T> typeInfo) => new(status, JsonSerializer.Serialize(value, typeInfo), null);

    public static FakeAnswer MethodNotAllowed(IEnumerable<string> methods) => new(405, null, string.Join(", ", methods.Order()));
}
