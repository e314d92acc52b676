using Customers.Server.Contract;
using Customers.Server.Errors;
using Customers.Server.Storage;
using Microsoft.AspNetCore.Mvc;

namespace Customers.Server.Apis;

/// <summary>The "Customer credentials" operations.</summary>
public sealed partial class CustomersV4Controller
{
    public override async Task<ActionResult<CredentialCreated>> CreateCredential(
        string? idempotency_Key, string org_id, Guid customer_id, Credential body, CancellationToken cancellationToken)
    {
        var key = IdempotencyKeyFilter.KeyOf(HttpContext);
        var result = await _store.CreateCredentialAsync(org_id, customer_id, body.Username, key, cancellationToken);
        if (result.Outcome == CreateOutcome.Created)
        {
            CredentialsLog.Created(_logger, result.Credential!.Id, customer_id, org_id, body.Username);
        }
        else if (result.Outcome == CreateOutcome.UsernameTaken)
        {
            CredentialsLog.UsernameTaken(_logger, body.Username, customer_id, org_id);
        }

        return result.Outcome switch
        {
            CreateOutcome.Created or CreateOutcome.Replayed => StatusCode(StatusCodes.Status201Created, new CredentialCreated
            {
                Id = result.Credential!.Id,
                Username = result.Credential.Username,
                CreatedAt = result.Credential.CreatedAt,
            }),
            CreateOutcome.CustomerNotFound => ErrorResponses.Result(Problems.CustomerNotFound(org_id, customer_id)),
            CreateOutcome.KeyReused => ErrorResponses.Result(Problems.IdempotencyKeyReused(org_id)),
            CreateOutcome.CredentialLimitReached => ErrorResponses.Result(Problems.CredentialLimitReached(customer_id, _limits.Value.MaxCredentialsPerCustomer)),
            _ => ErrorResponses.Result(Problems.UsernameTaken(org_id)),
        };
    }

    public override async Task<ActionResult<CredentialList>> ListCredentials(
        string org_id, Guid customer_id, CancellationToken cancellationToken)
    {
        var credentials = await _store.ListCredentialsAsync(org_id, customer_id, cancellationToken);
        if (credentials is null)
        {
            return ErrorResponses.Result(Problems.CustomerNotFound(org_id, customer_id));
        }

        return new CredentialList
        {
            Credentials = credentials.Select(c => new CredentialResponse { Id = c.Id, Username = c.Username, CreatedAt = c.CreatedAt }).ToList(),
        };
    }

    public override async Task<IActionResult> DeleteCredential(
        string org_id, Guid customer_id, Guid credential_id, CancellationToken cancellationToken)
    {
        var outcome = await _store.DeleteCredentialAsync(org_id, customer_id, credential_id, cancellationToken);
        if (outcome == DeleteCredentialOutcome.Deleted)
        {
            CredentialsLog.Deleted(_logger, credential_id, customer_id, org_id);
        }

        return outcome switch
        {
            DeleteCredentialOutcome.Deleted => NoContent(),
            DeleteCredentialOutcome.CustomerNotFound => ErrorResponses.Result(Problems.CustomerNotFound(org_id, customer_id)),
            _ => ErrorResponses.Result(Problems.CredentialNotFound(customer_id, credential_id)),
        };
    }
}
