using Customers.Server.Errors;

namespace Customers.Server.Contract;

/// <summary>The generated error (code, status and title from x-error-codes), placed and explained for one request.</summary>
public sealed partial record ContractError
{
    public RequestError At(string reference, string message) => new(Status, Code, Title, reference, message);
}
