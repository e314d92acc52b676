using System.Text;

namespace Customers.Server.Storage;

/// <summary>
/// The form of a username that uniqueness is decided on: Unicode compatibility form (NFKC, so a
/// full-width "ｕｓｅｒ" is "user") and lower case (so "Alice" is "alice"). The username itself is
/// stored and returned as it was sent.
/// </summary>
public static class UsernameKey
{
    public static string From(string username) => username.Normalize(NormalizationForm.FormKC).ToLowerInvariant();
}
