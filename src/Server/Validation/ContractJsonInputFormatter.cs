using Customers.Server.Contract;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Customers.Server.Errors;
using Microsoft.AspNetCore.Mvc.Formatters;
using Microsoft.Net.Http.Headers;

namespace Customers.Server.Validation;

/// <summary>
/// Reads JSON request bodies through the generated source-generated context and reports every
/// problem as a <see cref="RequestError"/> that says what is wrong and where:
/// an empty or malformed body (with line and byte), a wrong JSON type, an unknown field
/// (request schemas have additionalProperties: false), and each broken field rule.
/// </summary>
public sealed class ContractJsonInputFormatter : TextInputFormatter
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32 };
    private const long DiscardBytes = 1024 * 1024;
    private static readonly TimeSpan DiscardTime = TimeSpan.FromSeconds(5);
    private readonly JsonSerializerOptions _options;
    private readonly long _maxBodyBytes;

    public ContractJsonInputFormatter(JsonSerializerOptions options, long maxBodyBytes)
    {
        _options = options;
        _maxBodyBytes = maxBodyBytes;
        // Only what the contract documents: "application/*+json" types (json-patch, problem+json…)
        // are other formats, and answer 415.
        SupportedMediaTypes.Add("application/json");
        SupportedEncodings.Add(Encoding.UTF8);
    }

    // MVC counts "application/json-patch+json" and other "+json" types as application/json (by
    // their suffix); the contract documents application/json only, so only that is read.
    public override bool CanRead(InputFormatterContext context) =>
        MediaTypeHeaderValue.TryParse(context.HttpContext.Request.ContentType, out var contentType)
        && string.Equals(contentType.MediaType.Value, "application/json", StringComparison.OrdinalIgnoreCase)
        && base.CanRead(context);

    public override async Task<InputFormatterResult> ReadAsync(InputFormatterContext context)
    {
        var request = context.HttpContext.Request;
        if (request.ContentLength > _maxBodyBytes)
        {
            await DiscardBodyAsync(context.HttpContext);
            return Fail(context, Problems.PayloadTooLarge(_maxBodyBytes));
        }

        var canHaveBody = context.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature>()?.CanHaveBody
            ?? request.ContentLength != 0;
        if (!canHaveBody || request.ContentLength == 0)
        {
            return Fail(context, ContractErrors.InvalidJson.At("body",
                "The request body is empty; a JSON object is expected."));
        }

        return await base.ReadAsync(context);
    }

    /// <summary>
    /// Reads and drops an over-limit body of up to 1 MiB past the limit before the 413 goes out, so
    /// a client that is still sending (HTTP/1.1 clients send the whole body before they read) can
    /// finish and read the answer instead of meeting a closed connection. A larger body, or one the
    /// client holds back with Expect: 100-continue, is not read: the 413 goes out at once.
    /// </summary>
    private async Task DiscardBodyAsync(HttpContext http)
    {
        var request = http.Request;
        var limit = http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>();
        var discardable = _maxBodyBytes + DiscardBytes;
        if (limit is not { IsReadOnly: false } || request.ContentLength > discardable
            || request.Headers.Expect.Any(e => e?.Contains("100-continue", StringComparison.OrdinalIgnoreCase) == true))
        {
            return;
        }

        limit.MaxRequestBodySize = discardable;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        deadline.CancelAfter(DiscardTime);
        try
        {
            await request.Body.CopyToAsync(Stream.Null, deadline.Token);
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or Microsoft.AspNetCore.Http.BadHttpRequestException)
        {
            // The client stopped or was too slow: the 413 (with Connection: close) still goes out.
        }
    }

    public override async Task<InputFormatterResult> ReadRequestBodyAsync(InputFormatterContext context, Encoding encoding)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(context.HttpContext.Request.Body, DocumentOptions, context.HttpContext.RequestAborted);
        }
        catch (JsonException exception)
        {
            return Fail(context, ContractErrors.InvalidJson.At("body",
                $"The request body is not valid JSON: {Where(exception)}{Reason(exception)}"));
        }

        using (document)
        {
            var typeInfo = _options.GetTypeInfo(context.ModelType);
            List<RequestError> shapeErrors;
            string? duplicate;
            try
            {
                duplicate = DuplicateField(document.RootElement, "body");
                shapeErrors = CheckShape(document.RootElement, typeInfo).ToList();
            }
            catch (InvalidOperationException)
            {
                // A field name with an unpaired surrogate (\ud800) is valid JSON but not text.
                return Fail(context, ContractErrors.InvalidJson.At("body",
                    "The request body has a field name that is not valid Unicode text (an unpaired surrogate)."));
            }

            if (duplicate is not null)
            {
                return Fail(context, ContractErrors.DuplicateField.At(duplicate,
                    $"{duplicate[5..]} appears more than once in the body; each field may be given once."));
            }

            if (shapeErrors.Count > 0)
            {
                return Fail(context, [.. shapeErrors]);
            }

            object? body;
            try
            {
                body = document.Deserialize(typeInfo);
            }
            catch (Exception exception) when (exception is JsonException or InvalidOperationException or FormatException)
            {
                return Fail(context, WrongType(exception as JsonException, typeInfo));
            }

            if (body is null)
            {
                return Fail(context, ContractErrors.InvalidFieldType.At("body",
                    "The request body must be a JSON object, not null."));
            }

            var ruleErrors = BodyValidator.Validate(body).ToList();
            return ruleErrors.Count > 0 ? Fail(context, [.. ruleErrors]) : InputFormatterResult.Success(body);
        }
    }

    // System.Text.Json can refuse duplicates (AllowDuplicateProperties = false), but its exception
    // names no path; the walk below says which member, at any depth, for the error's ref.
    private static string? DuplicateField(JsonElement element, string path)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var item in element.EnumerateArray())
            {
                if (DuplicateField(item, $"{path}[{index++}]") is { } found)
                {
                    return found;
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Object)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
            {
                var name = $"{path}.{Shorten(property.Name)}";
                if (!seen.Add(property.Name))
                {
                    return name;
                }

                if (DuplicateField(property.Value, name) is { } found)
                {
                    return found;
                }
            }
        }

        return null;
    }

    private static IEnumerable<RequestError> CheckShape(JsonElement root, JsonTypeInfo typeInfo)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object)
        {
            yield break;
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            if (root.ValueKind != JsonValueKind.Null)
            {
                yield return ContractErrors.InvalidFieldType.At("body",
                    $"The request body must be a JSON object, not {Describe(root.ValueKind)}.");
            }

            yield break;
        }

        foreach (var property in root.EnumerateObject())
        {
            if (!typeInfo.Properties.Any(p => p.Name == property.Name))
            {
                yield return ContractErrors.UnknownField.At($"body.{Shorten(property.Name)}",
                    $"{Shorten(property.Name)} is not a field of this request; expected only: {string.Join(", ", typeInfo.Properties.Select(p => p.Name))}.");
            }
        }
    }

    private static RequestError WrongType(JsonException? exception, JsonTypeInfo typeInfo)
    {
        var path = exception?.Path is { Length: > 1 } p && p.StartsWith("$.", StringComparison.Ordinal) ? p[2..] : null;
        var field = path is null ? null : typeInfo.Properties.FirstOrDefault(x => x.Name == path);
        if (field is null)
        {
            return ContractErrors.InvalidFieldType.At("body",
                "A field of the request body has the wrong JSON type.");
        }

        return ContractErrors.InvalidFieldType.At($"body.{field.Name}",
            $"{field.Name} must be {JsonTypeOf(field.PropertyType)}.");
    }

    private static string JsonTypeOf(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(string) || type == typeof(Guid) || type == typeof(DateTimeOffset) ? "a string"
            : type == typeof(bool) ? "true or false"
            : type.IsPrimitive || type == typeof(decimal) ? "a number"
            : typeof(System.Collections.IEnumerable).IsAssignableFrom(type) ? "an array"
            : "an object";
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    // STJ reports 0-based lines; people count from 1.
    private static string Where(JsonException exception) =>
        exception.LineNumber is { } line && exception.BytePositionInLine is { } position
            ? $"line {line + 1}, byte {position + 1}: "
            : string.Empty;

    private static string Reason(JsonException exception)
    {
        var message = exception.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        var reason = (cut >= 0 ? message[..cut] : message).Trim();
        if (reason.EndsWith(" Path: $", StringComparison.Ordinal))
        {
            reason = reason[..^8];
        }

        return reason.TrimEnd(' ', '|');
    }

    private static string Shorten(string name) => name.Length <= 64 ? name : string.Concat(name.AsSpan(0, 64), "…");

    private static InputFormatterResult Fail(InputFormatterContext context, params RequestError[] errors)
    {
        foreach (var error in errors)
        {
            context.ModelState.TryAddModelError(context.ModelName, new RequestErrorException(error), context.Metadata);
        }

        return InputFormatterResult.Failure();
    }
}
