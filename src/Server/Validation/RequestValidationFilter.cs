using Customers.Server.Contract;
using Customers.Server.Errors;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Customers.Server.Validation;

/// <summary>
/// The one place where a request that MVC bound is accepted or answered with an ErrorResponse:
/// body errors from <see cref="ContractJsonInputFormatter"/>, a path value that is not a uuid, a
/// body in another media type (415), and the contract's constraints on path parameters.
/// It runs before [ApiController]'s own filters, which would answer without an ErrorResponse.
/// </summary>
public sealed class RequestValidationFilter : IActionFilter, IOrderedFilter
{
    public int Order => -5000;

    public void OnActionExecuting(ActionExecutingContext context)
    {
        var errors = new List<RequestError>();
        foreach (var (key, entry) in context.ModelState)
        {
            foreach (var error in entry.Errors)
            {
                errors.Add(Describe(context, key, entry.AttemptedValue, error.Exception));
            }
        }

        if (errors.Count == 0)
        {
            foreach (var parameter in context.ActionDescriptor.Parameters.OfType<ControllerParameterDescriptor>())
            {
                if (parameter.BindingInfo?.BindingSource is { } source && source == BindingSource.Body)
                {
                    continue;
                }

                // MVC's Guid binder also takes {braces}, (parentheses) and 32 bare digits; the contract's
                // uuid is the hyphenated form only.
                if (parameter.ParameterType == typeof(Guid) && context.RouteData.Values.TryGetValue(parameter.Name, out var raw)
                    && !Guid.TryParseExact(raw as string, "D", out _))
                {
                    errors.Add(Describe(context, parameter.Name, raw as string, exception: null));
                    continue;
                }

                var rules = ContractRules.AttributesOf(parameter.ParameterInfo);
                if (rules.Length == 0)
                {
                    continue;
                }

                context.ActionArguments.TryGetValue(parameter.Name, out var value);
                var name = parameter.BindingInfo?.BinderModelName ?? parameter.Name;
                var where = parameter.BindingInfo?.BindingSource == BindingSource.Header ? "header" : "path";
                if (where == "header" && value is null && context.HttpContext.Request.Headers.ContainsKey(name))
                {
                    value = string.Empty; // MVC binds an empty header as absent; the contract says it breaks minLength.
                }

                if (ContractRules.FirstBroken(rules, value, where == "header" ? name.ToLowerInvariant() : name, where) is { } broken)
                {
                    errors.Add(broken);
                }
            }
        }

        if (errors.Count > 0)
        {
            // The most specific status wins: 413 and 415 over 400.
            errors.Sort((a, b) => b.Status.CompareTo(a.Status));
            context.Result = ErrorResponses.Result(errors);
        }
    }

    public void OnActionExecuted(ActionExecutedContext context)
    {
    }

    private static RequestError Describe(ActionExecutingContext context, string key, string? attempted, Exception? exception)
    {
        switch (exception)
        {
            case RequestErrorException known:
                return known.Error;
            case UnsupportedContentTypeException:
                return Problems.UnsupportedMediaType();
        }

        var parameter = context.ActionDescriptor.Parameters.FirstOrDefault(p =>
            string.Equals(p.BindingInfo?.BinderModelName ?? p.Name, key, StringComparison.OrdinalIgnoreCase));
        var shown = attempted is null ? string.Empty : $"; got '{(attempted.Length > 64 ? attempted[..64] + "…" : attempted)}'";
        if (parameter?.ParameterType == typeof(Guid))
        {
            return ContractErrors.InvalidUuid.At($"path.{key}",
                $"{key} must be a uuid such as 123e4567-e89b-12d3-a456-556642440000{shown}.");
        }

        return ContractErrors.InvalidParameter.At($"path.{key}",
            $"{key} is not valid{shown}.");
    }
}
