namespace Customers.Client.Tests;

/// <summary>Bodies in the contract's shapes, for stubs.</summary>
public static class Responses
{
    public const string CredentialCreated = """{"id":"028076fa-c264-42bb-9983-8872a576be28","username":"username@masmovil.com","created_at":"2026-11-28T09:30:00.000000+00:00"}""";

    public const string CredentialList = """{"credentials":[{"id":"028076fa-c264-42bb-9983-8872a576be28","username":"username@masmovil.com","created_at":"2026-11-28T09:30:00.000000+00:00"}]}""";

    public static string Error(string code, string reference = "server") =>
        $$$"""{"errors":[{"error":{"code":"{{{code}}}","title":"A title","ref":"{{{reference}}}","message":"Message of {{{code}}}."}}]}""";
}
