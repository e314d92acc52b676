using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Customers.Server.Infrastructure;

/// <summary>
/// The docs page runs a script in the browser of whoever opens it: it may load only what this
/// service serves, run only its own scripts (the inline one by its hash, since it carries the
/// page's settings), be framed by nobody and send requests to this service alone.
/// </summary>
public sealed partial class DocsPageSecurityHeaders(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        context.Response.Headers.XContentTypeOptions = "nosniff";
        if (Path.HasExtension(context.Request.Path.Value))
        {
            await next(context); // an asset: nothing in it is read as a page
            return;
        }

        var body = context.Response.Body;
        using var page = new MemoryStream();
        context.Response.Body = page;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = body;
        }

        if (context.Response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
        {
            var html = Encoding.UTF8.GetString(page.GetBuffer(), 0, (int)page.Length);
            context.Response.Headers.ContentSecurityPolicy = Policy(html);
        }

        page.Position = 0;
        await page.CopyToAsync(body, context.RequestAborted);
    }

    public static string Policy(string html)
    {
        var scripts = InlineScript().Matches(html)
            .Select(m => $"'sha256-{Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(m.Groups["code"].Value)))}'");
        return $"default-src 'none'; script-src 'self' {string.Join(' ', scripts)}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            + "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
    }

    [GeneratedRegex(@"<script(?![^>]*\bsrc=)[^>]*>(?<code>.*?)</script>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();
}
