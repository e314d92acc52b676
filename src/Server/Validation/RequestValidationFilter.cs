using System.Collections.Concurrent;
using Customers.Server.Contract;
using Customers.Server.Errors;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Customers.Server.Validation;

/// <summary>
/// The one place where a request that MVC bound is accepted or answered with an ErrorResponse:
/// body errors from <see cref="ContractJsonInputFormatter"/>, a path value that is not a uuid, a
/// body in another media type (415), and the contract's constraints on path, query and header parameters.
/// It runs before [ApiController]'s own filters, which would answer without an ErrorResponse.
/// </summary>
public sealed class RequestValidationFilter : IActionFilter, IOrderedFilter
{
    private readonly ConcurrentDictionary<ActionDescriptor, ParameterCheck[]> _checks = new();

    public int Order => -5000;

    public void OnActionExecuting(ActionExecutingContext context)
    {
        List<RequestError>? errors = null;
        if (context.ModelState.ErrorCount > 0)
        {
            foreach (var (key, entry) in context.ModelState)
            {
                foreach (var error in entry.Errors)
                {
                    (errors ??= []).Add(Describe(context, key, entry.AttemptedValue, error.Exception));
                }
            }
        }

        if (errors is null)
        {
            foreach (var check in _checks.GetOrAdd(context.ActionDescriptor, ParameterCheck.Of))
            {
                // MVC's Guid binder also takes {braces}, (parentheses) and 32 bare digits; the contract's
                // uuid is the hyphenated form only.
                if (check.IsUuid && context.RouteData.Values.TryGetValue(check.Name, out var raw) && !Guid.TryParseExact(raw as string, "D", out _))
                {
                    (errors ??= []).Add(Describe(context, check.Name, raw as string, exception: null));
                    continue;
                }

                if (check.Rules.Length == 0)
                {
                    continue;
                }

                context.ActionArguments.TryGetValue(check.Name, out var value);
                if (check.Where == "header" && value is null && context.HttpContext.Request.Headers.ContainsKey(check.ContractName))
                {
                    value = string.Empty; // MVC binds an empty header as absent; the contract says it breaks minLength.
                }

                if (ContractRules.FirstBroken(check.Rules, value, check.ContractName, check.Where) is { } broken)
                {
                    (errors ??= []).Add(broken);
                }
            }
        }

        if (errors is not null)
        {
            // The most specific status wins, 413 and 415 over 400, and the answer lists only the
            // errors of that status: a 413 that listed INVALID_UUID would carry a code the
            // contract gives to 400.
            errors.Sort((a, b) => b.Status.CompareTo(a.Status));
            var status = errors[0].Status;
            context.Result = ErrorResponses.Result(errors.FindAll(error => error.Status == status));
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

    /// <summary>What the contract checks on one path, query or header parameter of an action, worked out once per action.</summary>
    private sealed record ParameterCheck(string Name, bool IsUuid, System.ComponentModel.DataAnnotations.ValidationAttribute[] Rules, string ContractName, string Where)
    {
        public static ParameterCheck[] Of(ActionDescriptor action) => action.Parameters
            .OfType<ControllerParameterDescriptor>()
            .Where(p => p.BindingInfo?.BindingSource != BindingSource.Body)
            .Select(p =>
            {
                var source = p.BindingInfo?.BindingSource;
                var where = source == BindingSource.Header ? "header" : source == BindingSource.Query ? "query" : "path";
                var name = p.BindingInfo?.BinderModelName ?? p.Name;
                return new ParameterCheck(p.Name, p.ParameterType == typeof(Guid), ContractRules.AttributesOf(p.ParameterInfo),
                    where == "header" ? name.ToLowerInvariant() : name, where);
            })
            .Where(check => check.IsUuid || check.Rules.Length > 0)
            .ToArray();
    }
}
