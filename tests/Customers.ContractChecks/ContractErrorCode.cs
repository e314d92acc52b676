namespace Customers.ContractChecks;

/// <summary>One entry of the contract's x-error-codes.</summary>
public sealed record ContractErrorCode(string Code, int Status, string Title);
