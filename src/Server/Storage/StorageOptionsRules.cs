using Microsoft.Extensions.Options;

namespace Customers.Server.Storage;

/// <summary>The rule of <see cref="StorageOptions"/> that spans two settings; each one's own bounds are DataAnnotations.</summary>
public sealed class StorageOptionsRules : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options) =>
        options.MaxPendingCallsPerOrganization > options.MaxPendingCalls
            ? ValidateOptionsResult.Fail(
                $"{StorageOptions.Section}:{nameof(StorageOptions.MaxPendingCallsPerOrganization)} must be from 1 to {StorageOptions.Section}:{nameof(StorageOptions.MaxPendingCalls)} ({options.MaxPendingCalls}); it is {options.MaxPendingCallsPerOrganization}.")
            : ValidateOptionsResult.Success;
}
