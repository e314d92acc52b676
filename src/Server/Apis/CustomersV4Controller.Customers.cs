using Customers.Server.Contract;
using Customers.Server.Errors;
using Customers.Server.Storage;
using Microsoft.AspNetCore.Mvc;

namespace Customers.Server.Apis;

/// <summary>The minimal Customers subset: just enough for credentials to have an owner.</summary>
public sealed partial class CustomersV4Controller
{
    public override async Task<ActionResult<CustomerCreated>> CreateCustomer(
        string? idempotency_Key, string org_id, CustomerCreate body, CancellationToken cancellationToken)
    {
        var key = IdempotencyKeyFilter.KeyOf(HttpContext);
        var result = await _store.CreateCustomerAsync(org_id, body.ExternalId, key, cancellationToken);
        return result.Outcome switch
        {
            CreateOutcome.KeyReused => ErrorResponses.Result(Problems.IdempotencyKeyReused(org_id)),
            CreateOutcome.CustomerLimitReached => ErrorResponses.Result(Problems.CustomerLimitReached(org_id, _organizationLimits.Value.MaxCustomers)),
            _ => StatusCode(StatusCodes.Status201Created, new CustomerCreated { Id = result.Customer!.Id }),
        };
    }

    public override async Task<ActionResult<Customer>> GetCustomer(
        string org_id, Guid customer_id, CancellationToken cancellationToken)
    {
        var customer = await _store.GetCustomerAsync(org_id, customer_id, cancellationToken);
        if (customer is null)
        {
            return ErrorResponses.Result(Problems.CustomerNotFound(org_id, customer_id));
        }

        return new Customer { Id = customer.Id, ExternalId = customer.ExternalId, CreatedAt = customer.CreatedAt };
    }

    public override async Task<IActionResult> EraseCustomer(string org_id, Guid customer_id, CancellationToken cancellationToken)
    {
        if (!await _store.EraseCustomerAsync(org_id, customer_id, cancellationToken))
        {
            return ErrorResponses.Result(Problems.CustomerNotFound(org_id, customer_id));
        }

        CredentialsLog.CustomerErased(_logger, customer_id, org_id);
        return NoContent();
    }
}
