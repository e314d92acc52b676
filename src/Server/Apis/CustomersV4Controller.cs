using Customers.Server.Limits;
using Customers.Server.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Customers.Server.Apis;

/// <summary>
/// Implements the generated <see cref="Contract.CustomersV4ControllerBase"/>: routes, parameters,
/// DTOs and documented statuses come from openapi/customers-v4.yaml. One partial file per tag.
/// </summary>
[ApiController]
public sealed partial class CustomersV4Controller(
    ICustomerStore store, IOptions<StorageOptions> limits, IOptions<OrganizationLimitsOptions> organizationLimits, ILogger<CustomersV4Controller> logger)
    : Contract.CustomersV4ControllerBase
{
    private readonly ICustomerStore _store = store;
    private readonly IOptions<StorageOptions> _limits = limits;
    private readonly IOptions<OrganizationLimitsOptions> _organizationLimits = organizationLimits;
    private readonly ILogger _logger = logger;
}
