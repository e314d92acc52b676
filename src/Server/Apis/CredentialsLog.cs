using Customers.Server.Infrastructure;

namespace Customers.Server.Apis;

/// <summary>What happens to credentials, for operators and audits. Usernames are erased (<see cref="PersonalDataAttribute"/>).</summary>
internal static partial class CredentialsLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Credential {CredentialId} created for customer {CustomerId} in {OrgId}, username {Username}")]
    public static partial void Created(ILogger logger, Guid credentialId, Guid customerId, string orgId, [PersonalData] string username);

    [LoggerMessage(Level = LogLevel.Information, Message = "Username {Username} refused for customer {CustomerId} in {OrgId}: already taken")]
    public static partial void UsernameTaken(ILogger logger, [PersonalData] string username, Guid customerId, string orgId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Credential {CredentialId} of customer {CustomerId} in {OrgId} deleted")]
    public static partial void Deleted(ILogger logger, Guid credentialId, Guid customerId, string orgId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Customer {CustomerId} in {OrgId} erased with its credentials")]
    public static partial void CustomerErased(ILogger logger, Guid customerId, string orgId);
}
