using Customers.Precis;

namespace Customers.Server.Storage;

/// <summary>
/// The form of a username that uniqueness is decided on: the PRECIS UsernameCaseMapped profile
/// (RFC 8265) with simple case folding, so "Alice", "ALICE", "ａｌｉｃｅ" are one username and
/// "ΟΔΟΣ" is "οδος". The username itself is stored and returned as it was sent.
/// </summary>
public static class UsernameKey
{
    /// <summary>The key of a username that the contract's validation accepted.</summary>
    public static string From(string username) => UsernameCaseMapped.TryEnforce(username, out var key, out var problem)
        ? key
        : throw new ArgumentException($"Not a username (validation should have refused it): {problem}", nameof(username));
}
