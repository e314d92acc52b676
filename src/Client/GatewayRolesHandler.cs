namespace Customers.Client;

/// <summary>
/// Sends <see cref="CustomerCredentialsClientOptions.Roles"/> as the contract's gateway-roles
/// security scheme says (its header, <c>x-auth-roles</c>): security is not a parameter of the
/// generated interface, so it travels on every request from here.
/// </summary>
internal sealed class GatewayRolesHandler(Func<CustomerCredentialsClientOptions> options) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Remove(ContractHeaders.Roles);
        if (options().Roles is { } roles && !string.IsNullOrWhiteSpace(roles))
        {
            request.Headers.TryAddWithoutValidation(ContractHeaders.Roles, roles);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
