using Customers.Server.Limits;
using Customers.Server.Storage;
using Microsoft.Extensions.Options;

namespace Customers.Server.Apis;

/// <summary>
/// Implements the generated <see cref="Contract.CustomersV4OperationsBase"/>: the generated
/// <see cref="Contract.CustomersV4Endpoints"/> maps, binds and validates each operation from
/// openapi/customers-v4.yaml and calls these with typed arguments. One partial file per tag.
/// One instance serves every request (its store, options and logger are singletons).
/// </summary>
public sealed partial class CustomersV4Operations(
    ICustomerStore store, IOptions<StorageOptions> limits, IOptions<OrganizationLimitsOptions> organizationLimits, ILogger<CustomersV4Operations> logger)
    : Contract.CustomersV4OperationsBase
{
    private readonly ICustomerStore _store = store;
    private readonly IOptions<StorageOptions> _limits = limits;
    private readonly IOptions<OrganizationLimitsOptions> _organizationLimits = organizationLimits;
    private readonly ILogger _logger = logger;
}
