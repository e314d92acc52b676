namespace Customers.Server.Errors;

/// <summary>
/// One thing wrong with a request or its handling, before it becomes an ErrorResponse entry.
/// <paramref name="Ref"/> says where: body, body.&lt;field&gt;, path.&lt;parameter&gt;, header.&lt;name&gt; or server.
/// </summary>
public sealed record RequestError(int Status, string Code, string Title, string Ref, string Message);
