using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Customers.Server.Contract;
using Customers.Server.Storage;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Customers.Server.Apis;

/// <summary>
/// Makes the <see cref="IdempotencyKey"/> of an operation that takes the contract's Idempotency-Key
/// header, from the operation and its parsed request: every path parameter as bound (a uuid in any
/// letter case is one value) and the body as the contract's JSON context writes the bound DTO. So
/// white space and member order do not count, and a field added to the contract is part of the
/// fingerprint with no code. An action reads the key with <see cref="KeyOf"/>.
/// </summary>
public sealed class IdempotencyKeyFilter(IdempotencyFingerprints fingerprints) : IActionFilter
{
    private static readonly object Item = new();

    // The parameter that binds the header, per action; null for the operations that take none (most requests).
    private readonly ConcurrentDictionary<ActionDescriptor, string?> _headerParameter = new();

    public static IdempotencyKey? KeyOf(HttpContext context) => context.Items[Item] as IdempotencyKey;

    public void OnActionExecuting(ActionExecutingContext context)
    {
        var header = _headerParameter.GetOrAdd(context.ActionDescriptor, static action => action.Parameters
            .FirstOrDefault(p => p.BindingInfo?.BindingSource == BindingSource.Header
                && string.Equals(p.BindingInfo.BinderModelName, ContractHeaders.IdempotencyKey, StringComparison.OrdinalIgnoreCase))?.Name);
        if (header is null || Argument(context, header) is not string value)
        {
            return;
        }

        var parts = context.ActionDescriptor.Parameters
            .Where(p => p.BindingInfo?.BindingSource == BindingSource.Path || p.BindingInfo?.BindingSource == BindingSource.Body)
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .Select(p => (p.Name, Value: Argument(context, p.Name), IsBody: p.BindingInfo!.BindingSource == BindingSource.Body))
            .Select(p => p.IsBody
                ? $"{p.Name}={(p.Value is null ? "null" : JsonSerializer.Serialize(p.Value, p.Value.GetType(), ContractJsonContext.Default))}"
                : $"{p.Name}={Convert.ToString(p.Value, CultureInfo.InvariantCulture)}")
            .ToArray();
        context.HttpContext.Items[Item] = fingerprints.For(value, context.ActionDescriptor.AttributeRouteInfo!.Name!, parts);
    }

    private static object? Argument(ActionExecutingContext context, string name) => context.ActionArguments.TryGetValue(name, out var value) ? value : null;

    public void OnActionExecuted(ActionExecutedContext context)
    {
    }
}
