using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Formatters;
using Microsoft.Net.Http.Headers;

namespace Customers.Server.Infrastructure;

/// <summary>
/// MVC's JSON output with MVC's serializer options (the contract's source-generated context), but
/// serialized to bytes first and sent with a Content-Length: the bodies are a few hundred bytes,
/// and MVC's own formatter streams them asynchronously and chunked, which costs more per response
/// than the bytes themselves. It takes the place of <see cref="SystemTextJsonOutputFormatter"/>,
/// with the same media types.
/// </summary>
public sealed class ContractJsonOutputFormatter : TextOutputFormatter
{
    private readonly JsonSerializerOptions _options;

    public ContractJsonOutputFormatter(JsonSerializerOptions options)
    {
        _options = options;
        SupportedEncodings.Add(Encoding.UTF8);
        SupportedMediaTypes.Add(MediaTypeHeaderValues.ApplicationJson);
        SupportedMediaTypes.Add(MediaTypeHeaderValues.TextJson);
        SupportedMediaTypes.Add(MediaTypeHeaderValues.ApplicationAnyJsonSyntax);
    }

    public override async Task WriteResponseBodyAsync(OutputFormatterWriteContext context, Encoding selectedEncoding)
    {
        var info = _options.GetTypeInfo(context.Object?.GetType() ?? context.ObjectType ?? typeof(object));
        var body = JsonSerializer.SerializeToUtf8Bytes(context.Object, info);
        var response = context.HttpContext.Response;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body); // A client gone meanwhile: Kestrel drops the bytes.
    }

    private static class MediaTypeHeaderValues
    {
        public static readonly MediaTypeHeaderValue ApplicationJson = MediaTypeHeaderValue.Parse("application/json").CopyAsReadOnly();
        public static readonly MediaTypeHeaderValue TextJson = MediaTypeHeaderValue.Parse("text/json").CopyAsReadOnly();
        public static readonly MediaTypeHeaderValue ApplicationAnyJsonSyntax = MediaTypeHeaderValue.Parse("application/*+json").CopyAsReadOnly();
    }
}
