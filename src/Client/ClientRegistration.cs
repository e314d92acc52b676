namespace Customers.Client;

/// <summary>Marks a client name as registered, so that a second registration fails instead of stacking a second pipeline.</summary>
internal sealed record ClientRegistration(string Name);
