namespace Customers.Server.Storage;

/// <summary>What an earlier request with the same Idempotency-Key created, and whether it was the same request.</summary>
public sealed record EarlierRequest(bool Matches, Guid ResourceId, DateTimeOffset ResourceCreatedAt);
