namespace Customers.Client;

/// <summary>The access token source threw: told apart from a network failure, and never retried (the request was not sent).</summary>
internal sealed class AccessTokenSourceException(Exception inner) : Exception($"The access token source failed: {inner.Message}", inner);
