namespace Customers.ContractChecks;

/// <summary>A response the contract does not allow; it names the operation, the status and the JSON pointer.</summary>
public sealed class ContractViolationException(string message) : Exception(message);
