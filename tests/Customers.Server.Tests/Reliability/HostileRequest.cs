using System.Net.Http.Headers;
using System.Text;

namespace Customers.Server.Tests.Reliability;

/// <summary>One malformed request: what is wrong with it (for the failure message), and the request itself.</summary>
public sealed record HostileRequest(string Defect, string OperationId, string Method, string Path, byte[]? Body, string? ContentType, string?[] Roles)
{
    public HttpRequestMessage ToMessage()
    {
        var request = new HttpRequestMessage(new HttpMethod(Method), new Uri(Path, UriKind.Relative));
        if (Body is not null)
        {
            request.Content = new ByteArrayContent(Body);
            if (ContentType is not null)
            {
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(ContentType);
            }
        }

        var roles = Roles.Where(r => r is not null).ToArray();
        if (roles.Length > 0)
        {
            request.Headers.TryAddWithoutValidation("x-auth-roles", roles!);
        }

        return request;
    }

    public override string ToString()
    {
        var body = Body is null ? "no body" : Body.Length > 200 ? $"{Body.Length} bytes" : $"body {Convert.ToHexString(Body)} ({Encoding.UTF8.GetString(Body)})";
        var roles = string.Join(" | ", Roles.Select(r => r is null ? "(none)" : r.Length > 40 ? $"{r.Length} chars" : r));
        return $"[{Defect}] {Method} {(Path.Length > 200 ? Path[..200] + "…" : Path)}, {body}, content type {ContentType ?? "(none)"}, x-auth-roles {roles}";
    }
}
