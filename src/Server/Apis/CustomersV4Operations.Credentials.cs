using Customers.Server.Contract;
using Customers.Server.Endpoints;
using Customers.Server.Errors;
using Customers.Server.Storage;

namespace Customers.Server.Apis;

/// <summary>The "Customer credentials" operations.</summary>
public sealed partial class CustomersV4Operations
{
    public override async Task<ContractResult<CredentialCreated>> CreateCredential(
        IdempotencyKey? idempotency_Key, string org_id, Guid customer_id, Credential body, CancellationToken cancellationToken)
    {
        var result = await _store.CreateCredentialAsync(org_id, customer_id, body.Username, idempotency_Key, cancellationToken);
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
            CreateOutcome.Created or CreateOutcome.Replayed => new CredentialCreated
            {
                Id = result.Credential!.Id,
                Username = result.Credential.Username,
                CreatedAt = result.Credential.CreatedAt,
            },
            CreateOutcome.CustomerNotFound => ServiceErrors.CustomerNotFound(org_id, customer_id),
            CreateOutcome.KeyReused => ServiceErrors.IdempotencyKeyReused(org_id),
            CreateOutcome.CredentialLimitReached => ServiceErrors.CredentialLimitReached(customer_id, _limits.Value.MaxCredentialsPerCustomer),
            _ => ServiceErrors.UsernameTaken(org_id),
        };
    }

    public override async Task<ContractResult<CredentialList>> ListCredentials(
        string org_id, Guid customer_id, CancellationToken cancellationToken)
    {
        var credentials = await _store.ListCredentialsAsync(org_id, customer_id, cancellationToken);
        if (credentials is null)
        {
            return ServiceErrors.CustomerNotFound(org_id, customer_id);
        }

        return new CredentialList
        {
            Credentials = credentials.Select(c => new CredentialResponse { Id = c.Id, Username = c.Username, CreatedAt = c.CreatedAt }).ToList(),
        };
    }

    public override async Task<ContractResult> DeleteCredential(
        string org_id, Guid customer_id, Guid credential_id, CancellationToken cancellationToken)
    {
        var outcome = await _store.DeleteCredentialAsync(org_id, customer_id, credential_id, cancellationToken);
        if (outcome == DeleteCredentialOutcome.Deleted)
        {
            CredentialsLog.Deleted(_logger, credential_id, customer_id, org_id);
        }

        return outcome switch
        {
            DeleteCredentialOutcome.Deleted => ContractResult.Success,
            DeleteCredentialOutcome.CustomerNotFound => ServiceErrors.CustomerNotFound(org_id, customer_id),
            _ => ServiceErrors.CredentialNotFound(customer_id, credential_id),
        };
    }
}
