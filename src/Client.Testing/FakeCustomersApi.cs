using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Customers.Client.Models;

namespace Customers.Client.Testing;

/// <summary>
/// The fake's behaviour, request by request, in the real service's order of checks: path and method,
/// media type, roles (401/403), the request's rules (400), existence (404), then idempotency and
/// uniqueness (409). Routes, parameter and field rules and error codes come from the contract
/// (the generated <see cref="ContractOperations"/> and <see cref="ContractErrors"/>); what is
/// written here is only the state machine.
/// </summary>
internal sealed class FakeCustomersApi(FakeState state, FakeCustomersServiceOptions options, Func<string, IReadOnlyCollection<string>?> issuedTokenRoles)
{
    /// <summary>
    /// The checks that come before any change, in the service's order: path and method, media type,
    /// roles, the request's rules. Either the answer that refuses the request, or the request to apply.
    /// A fault that fires "after the checks" fires between this and <see cref="Apply"/>.
    /// </summary>
    public (FakeAnswer? Refused, FakeAdmitted? Admitted) Admit(string method, string path, IReadOnlyDictionary<string, string> query, IReadOnlyDictionary<string, string> headers, string? body)
    {
        try
        {
            var matches = ContractOperations.All.Select(o => (Operation: o, Values: FakeRoute.Match(o.PathTemplate, path))).Where(m => m.Values is not null).ToList();
            if (matches.Count == 0)
            {
                throw new FakeError(ContractErrors.ResourceNotFound, "path", "No operation of this API has this path.");
            }

            var (operation, values) = matches.FirstOrDefault(m => m.Operation.Method == method);
            if (operation is null)
            {
                return (FakeAnswer.MethodNotAllowed(matches.Select(m => m.Operation.Method)), null);
            }

            if (operation.Body is not null && !IsJson(headers))
            {
                throw new FakeError(ContractErrors.UnsupportedMediaType, "header.content-type", "The request body must be sent with Content-Type application/json.");
            }

            var roles = CheckRoles(headers, operation.Id);
            // As the service: in gateway mode the caller the gateway names is the subject; the fake
            // has no token subject and no gateway certificate, so JWT mode and the client stay null.
            var gateway = options.AccessTokenRoles is null && !options.JwtMode;
            var actor = new AuditActor { Subject = gateway ? GatewayCaller(headers) : null, Client = null, Roles = roles };
            return (null, new FakeAdmitted(operation, FakeRequest.Read(operation, values!, query, headers, body), actor));
        }
        catch (FakeError error)
        {
            return (FakeAnswer.Json(error.Status, error.ToResponse(), FakeJsonContext.Default.ErrorResponse), null);
        }
    }

    /// <summary>The state machine: existence (404), idempotency and uniqueness (409), then the change.</summary>
    public FakeAnswer Apply(FakeAdmitted admitted)
    {
        var (operation, request) = (admitted.Operation, admitted.Request);
        var now = options.TimeProvider.GetUtcNow();
        try
        {
            lock (state.Gate)
            {
                return operation switch
                {
                    _ when operation == ContractOperations.CreateCustomer => Idempotent(request, now, () => CreateCustomer(admitted, now), replaysErased: true),
                    _ when operation == ContractOperations.GetCustomer => GetCustomer(request),
                    _ when operation == ContractOperations.CreateCredential => CreateCredential(admitted, now),
                    _ when operation == ContractOperations.ListCredentials => ListCredentials(request),
                    _ when operation == ContractOperations.DeleteCredential => DeleteCredential(admitted, now),
                    _ when operation == ContractOperations.EraseCustomer => EraseCustomer(admitted, now),
                    _ when operation == ContractOperations.ListAuditEvents => ListAuditEvents(request),
                    _ when operation == ContractOperations.VerifyAuditTrail => VerifyAuditTrail(request),
                    _ => throw new FakeError(ContractErrors.InternalError, "server", $"The fake does not implement {operation.Id} yet."),
                };
            }
        }
        catch (FakeError error)
        {
            return FakeAnswer.Json(error.Status, error.ToResponse(), FakeJsonContext.Default.ErrorResponse);
        }
    }

    private static bool IsJson(IReadOnlyDictionary<string, string> headers) =>
        headers.TryGetValue("content-type", out var value)
        && value.Split(';')[0].Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase);

    /// <summary>The caller's roles that are granted the operation, sorted (the audit event's actor), or the refusal.</summary>
    private List<string> CheckRoles(IReadOnlyDictionary<string, string> headers, string operationId)
    {
        if (options.AccessTokenRoles is not null || options.JwtMode)
        {
            return CheckToken(headers, operationId, options.AccessTokenRoles ?? issuedTokenRoles);
        }

        var roles = headers.TryGetValue(ContractHeaders.Roles, out var value)
            ? value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            : [];
        if (roles.Length == 0)
        {
            throw new FakeError(ContractErrors.MissingRoles, "header." + ContractHeaders.Roles, $"The {ContractHeaders.Roles} header is missing or empty.");
        }

        if (!roles.Any(options.PermittedRoles.Contains))
        {
            throw new FakeError(ContractErrors.RoleNotPermitted, "header." + ContractHeaders.Roles, $"None of the roles [{string.Join(", ", roles)}] is granted {operationId}.");
        }

        return Granted(roles);
    }

    /// <summary>
    /// The gateway's caller header (the contract's x-caller-header), checked as the service checks it:
    /// after the roles, before the request's own rules; a value outside its maxLength and pattern is
    /// 400 INVALID_PARAMETER. The fake sees header lines joined, so two lines are not told apart here.
    /// </summary>
    private static string? GatewayCaller(IReadOnlyDictionary<string, string> headers)
    {
        var value = headers.TryGetValue(ContractHeaders.Caller, out var presented) ? presented : null;
        return ContractRules.GatewayCallerRule.Check(value, value is null ? 0 : 1) is { } broken
            ? throw new FakeError(broken.Error, broken.Ref, broken.Message)
            : value;
    }

    private List<string> Granted(IEnumerable<string> roles) => roles.Where(options.PermittedRoles.Contains).Distinct().Order(StringComparer.Ordinal).ToList();

    // As the service in JWT mode: no Bearer token is 401 MISSING_TOKEN, a refused one 401
    // INVALID_TOKEN, and the token's roles (not x-auth-roles) must be granted the operation.
    private List<string> CheckToken(IReadOnlyDictionary<string, string> headers, string operationId, Func<string, IReadOnlyCollection<string>?> rolesOf)
    {
        if (!headers.TryGetValue("authorization", out var authorization) || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            || authorization[7..].Trim() is not { Length: > 0 } token)
        {
            throw new FakeError(ContractErrors.MissingToken, "header.authorization", "The Authorization header with a Bearer token is missing.");
        }

        var roles = rolesOf(token) ?? throw new FakeError(ContractErrors.InvalidToken, "header.authorization", "The Bearer token is not valid: wrong signature or issuer, or expired.");
        if (!roles.Any(options.PermittedRoles.Contains))
        {
            throw new FakeError(ContractErrors.RoleNotPermitted, "header.authorization", $"None of the token's roles [{string.Join(", ", roles)}] is granted {operationId}.");
        }

        return Granted(roles);
    }

    private FakeAnswer Idempotent(FakeRequest request, DateTimeOffset now, Func<FakeAnswer> create, bool replaysErased = false)
    {
        if (request.IdempotencyKey is not { } key)
        {
            return create();
        }

        if (state.Remembered(request.Org, key, now) is { } earlier)
        {
            return earlier.Fingerprint == request.Fingerprint || (earlier.Erased && replaysErased)
                ? new FakeAnswer(201, earlier.Body, null)
                : throw new FakeError(ContractErrors.IdempotencyKeyReused, "header.idempotency-key", $"The Idempotency-Key was already used in organization {request.Org} for a different request.");
        }

        var answer = create();
        using var created = System.Text.Json.JsonDocument.Parse(answer.Body!); // both creations answer {"id": …}
        state.Remember(request.Org, key, new RememberedCreation(request.Fingerprint, answer.Body!, now, created.RootElement.GetProperty("id").GetGuid()));
        return answer;
    }

    private FakeAnswer CreateCustomer(FakeAdmitted admitted, DateTimeOffset now)
    {
        var request = admitted.Request;
        if (state.CustomerCount(request.Org) >= options.MaxCustomersPerOrganization)
        {
            throw new FakeError(ContractErrors.CustomerLimitReached, "path." + ContractTenancy.Parameter,
                $"Organization {request.Org} holds {options.MaxCustomersPerOrganization} customers, the most an organization may hold.");
        }

        var customer = state.AddCustomer(request.Org, request.Text("external_id"), now);
        state.Record(request.Org, admitted, customer.Id, null, now);
        return FakeAnswer.Json(201, new CustomerCreated { Id = customer.Id }, FakeJsonContext.Default.CustomerCreated);
    }

    private FakeAnswer GetCustomer(FakeRequest request)
    {
        var customer = ExistingCustomer(request);
        return FakeAnswer.Json(200, new Customer { Id = customer.Id, ExternalId = customer.ExternalId, CreatedAt = customer.CreatedAt }, FakeJsonContext.Default.Customer);
    }

    private FakeAnswer CreateCredential(FakeAdmitted admitted, DateTimeOffset now)
    {
        var request = admitted.Request;
        var customer = ExistingCustomer(request);
        var username = request.Text("username")!;
        return Idempotent(request, now, () =>
        {
            if (customer.Credentials.Count >= options.MaxCredentialsPerCustomer)
            {
                throw new FakeError(ContractErrors.CredentialLimitReached, "path.customer_id",
                    $"Customer {customer.Id} holds {options.MaxCredentialsPerCustomer} credentials, the most a customer may hold; delete one first.");
            }

            if (state.UsernameTaken(request.Org, username))
            {
                throw new FakeError(ContractErrors.UsernameTaken, "body.username", $"The username is already used in organization {request.Org}.");
            }

            var credential = new FakeCredential(Guid.CreateVersion7(now), username, now);
            customer.Credentials.Add(credential);
            state.Record(request.Org, admitted, customer.Id, credential.Id, now);
            return FakeAnswer.Json(201, new CredentialCreated { Id = credential.Id, Username = credential.Username, CreatedAt = credential.CreatedAt }, FakeJsonContext.Default.CredentialCreated);
        });
    }

    private FakeAnswer ListCredentials(FakeRequest request)
    {
        var customer = ExistingCustomer(request);
        var list = new CredentialList
        {
            Credentials = customer.Credentials.Select(c => new CredentialResponse { Id = c.Id, Username = c.Username, CreatedAt = c.CreatedAt }).ToList(),
        };
        return FakeAnswer.Json(200, list, FakeJsonContext.Default.CredentialList);
    }

    private FakeAnswer DeleteCredential(FakeAdmitted admitted, DateTimeOffset now)
    {
        var request = admitted.Request;
        var customer = ExistingCustomer(request);
        var credentialId = request.Uuid("credential_id");
        if (customer.Credentials.RemoveAll(c => c.Id == credentialId) == 0)
        {
            throw new FakeError(ContractErrors.CredentialNotFound, "path.credential_id", $"Credential {credentialId} does not exist for customer {customer.Id}.");
        }

        state.Record(request.Org, admitted, customer.Id, credentialId, now);
        return new FakeAnswer(204, null, null);
    }

    private FakeAnswer EraseCustomer(FakeAdmitted admitted, DateTimeOffset now)
    {
        var customer = ExistingCustomer(admitted.Request);
        state.EraseCustomer(admitted.Request.Org, customer.Id);
        state.Record(admitted.Request.Org, admitted, customer.Id, null, now);
        return new FakeAnswer(204, null, null);
    }

    private FakeAnswer ListAuditEvents(FakeRequest request)
    {
        var after = request.Query("after") is { } cursor ? long.Parse(cursor, System.Globalization.CultureInfo.InvariantCulture) : 0;
        var limit = request.Query("limit") is { } most ? int.Parse(most, System.Globalization.CultureInfo.InvariantCulture) : 100;
        var events = state.AuditEvents(request.Org).Where(e => e.Sequence > after).ToList();
        var page = events.Take(limit).ToList();
        var next = events.Count > limit ? page[^1].Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        return FakeAnswer.Json(200, new AuditEventPage { Events = page, Next = next }, FakeJsonContext.Default.AuditEventPage);
    }

    // The fake keeps no chain that can break: it says how many events it holds.
    private FakeAnswer VerifyAuditTrail(FakeRequest request) => FakeAnswer.Json(200,
        new AuditVerification { Verified = true, EventsChecked = state.AuditEvents(request.Org).Count, FirstBroken = null }, FakeJsonContext.Default.AuditVerification);

    private FakeCustomer ExistingCustomer(FakeRequest request)
    {
        var customerId = request.Uuid("customer_id");
        return state.Customer(request.Org, customerId)
            ?? throw new FakeError(ContractErrors.CustomerNotFound, "path.customer_id", $"Customer {customerId} does not exist in organization {request.Org}.");
    }
}

/// <summary>A request that passed the checks, with its operation and who sent it (as an audit event names it).</summary>
internal sealed record FakeAdmitted(OperationRule Operation, FakeRequest Request, AuditActor Actor);

/// <summary>What the fake answers: a status, a JSON body or none, and the Allow header of a 405.</summary>
internal sealed record FakeAnswer(int Status, string? Body, string? Allow)
{
    public static FakeAnswer Json<T>(int status, T value, JsonTypeInfo<T> typeInfo) => new(status, JsonSerializer.Serialize(value, typeInfo), null);

    public static FakeAnswer MethodNotAllowed(IEnumerable<string> methods) => new(405, null, string.Join(", ", methods.Order(StringComparer.Ordinal)));
}
