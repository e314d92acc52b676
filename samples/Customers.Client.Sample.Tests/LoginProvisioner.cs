using Customers.Client;

namespace Customers.Client.Sample.Tests;

/// <summary>
/// A team's own code: gives a customer a login when a "customer signed up" message arrives. The
/// message id is the Idempotency-Key, so a message handled twice (a redelivery, a crash before the
/// acknowledgement) creates one credential; a username already taken is an answer, not a failure.
/// </summary>
public sealed class LoginProvisioner(CustomerCredentialsClient customers)
{
    public async Task<ProvisioningResult> HandleAsync(string messageId, string orgId, Guid customerId, string email, CancellationToken cancellationToken = default)
    {
        try
        {
            var created = await customers.CreateCredentialWithResponseAsync(orgId, customerId, email,
                new CustomerCredentialsRequestOptions { IdempotencyKey = messageId }, cancellationToken);
            return new ProvisioningResult(created.Value.Id, Taken: false, created.TraceId);
        }
        catch (CustomerCredentialsException e) when (e.ErrorCode == CustomerCredentialsErrorCodes.UsernameTaken)
        {
            return new ProvisioningResult(null, Taken: true, e.TraceId);
        }
    }
}

public sealed record ProvisioningResult(Guid? CredentialId, bool Taken, string? TraceId);
