using Customers.Server.Contract;
using Customers.Server.Endpoints;
using Customers.Server.Errors;
using Customers.Server.Storage;

namespace Customers.Server.Apis;

/// <summary>The minimal Customers subset: just enough for credentials to have an owner.</summary>
public sealed partial class CustomersV4Operations
{
    public override async Task<ContractResult<CustomerCreated>> CreateCustomer(
        IdempotencyKey? idempotency_Key, string org_id, CustomerCreate body, CancellationToken cancellationToken)
    {
        var result = await _store.CreateCustomerAsync(org_id, body.ExternalId, idempotency_Key, cancellationToken);
        return result.Outcome switch
        {
            CreateOutcome.KeyReused => ServiceErrors.IdempotencyKeyReused(org_id),
            CreateOutcome.CustomerLimitReached => ServiceErrors.CustomerLimitReached(org_id, _organizationLimits.Value.MaxCustomers),
            _ => new CustomerCreated { Id = result.Customer!.Id },
        };
    }

    public override async Task<ContractResult<Customer>> GetCustomer(
        string org_id, Guid customer_id, CancellationToken cancellationToken)
    {
        var customer = await _store.GetCustomerAsync(org_id, customer_id, cancellationToken);
        if (customer is null)
        {
            return ServiceErrors.CustomerNotFound(org_id, customer_id);
        }

        return new Customer { Id = customer.Id, ExternalId = customer.ExternalId, CreatedAt = customer.CreatedAt };
    }

    public override async Task<ContractResult> EraseCustomer(string org_id, Guid customer_id, CancellationToken cancellationToken)
    {
        if (!await _store.EraseCustomerAsync(org_id, customer_id, cancellationToken))
        {
            return ServiceErrors.CustomerNotFound(org_id, customer_id);
        }

        CredentialsLog.CustomerErased(_logger, customer_id, org_id);
        return ContractResult.Success;
    }
}
