using System.Reflection;
using Customers.ContractChecks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Customers.Client.Tests;

/// <summary>What client teams rely on when they register, configure and fake the client.</summary>
public sealed class SurfaceTests
{
    [Fact]
    public void No_refit_polly_or_generated_interface_type_appears_in_the_public_api()
    {
        var foreign = new[] { "Refit", "Polly" };
        var offenders = typeof(CustomerCredentialsClient).Assembly.GetExportedTypes()
            .SelectMany(type => type.GetMembers(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
                .SelectMany(member => TypesIn(member)).Select(t => (type, t)))
            .Where(pair => foreign.Any(ns => pair.t.Namespace?.StartsWith(ns, StringComparison.Ordinal) == true) || !pair.t.IsVisible)
            .Select(pair => $"{pair.type.Name} exposes {pair.t.FullName}")
            .ToList();

        Assert.Empty(offenders);
        Assert.DoesNotContain(typeof(CustomerCredentialsClient).Assembly.GetExportedTypes(), t => t.IsInterface && t.Name == "ICustomersApi");
    }

    /// <summary>Virtual, with a protected constructor (in the PublicAPI baseline): a team can fake the client by overriding it.</summary>
    [Fact]
    public void Every_operation_has_a_call_and_a_call_with_its_response_both_async_virtual_with_options_and_a_cancellation_token()
    {
        var methods = typeof(CustomerCredentialsClient).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly);

        var operations = OpenApiContract.Default.Operations.Count;
        Assert.Equal(operations, methods.Count(m => !m.Name.EndsWith("WithResponseAsync", StringComparison.Ordinal)));
        Assert.Equal(operations, methods.Count(m => m.Name.EndsWith("WithResponseAsync", StringComparison.Ordinal)
            && typeof(CustomerCredentialsResponse).IsAssignableFrom(m.ReturnType.IsGenericType ? m.ReturnType.GetGenericArguments()[0] : typeof(object))));
        Assert.All(methods, method =>
        {
            Assert.True(method.IsVirtual, $"{method.Name} is not virtual");
            // A paging call streams its items (IAsyncEnumerable<T>); every other call is a Task.
            Assert.True(typeof(Task).IsAssignableFrom(method.ReturnType)
                || (method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(IAsyncEnumerable<>)), $"{method.Name} is not async");
            Assert.Equal(typeof(CancellationToken), method.GetParameters()[^1].ParameterType);
            Assert.Equal(typeof(CustomerCredentialsRequestOptions), method.GetParameters()[^2].ParameterType);
        });
    }

    [Fact]
    public void Options_bind_from_configuration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Customers:BaseAddress"] = "https://customers.example.com/",
            ["Customers:Roles"] = "READER",
            ["Customers:AttemptTimeout"] = "00:00:02",
            ["Customers:TotalTimeout"] = "00:00:09",
            ["Customers:MaxRetryAttempts"] = "5",
            ["Customers:RetryDelay"] = "00:00:00.5",
        }).Build();
        var services = new ServiceCollection();

        services.AddCustomerCredentialsClient(configuration.GetSection("Customers"));
        var options = services.BuildServiceProvider().GetRequiredService<IOptions<CustomerCredentialsClientOptions>>().Value;

        Assert.Equal(new Uri("https://customers.example.com/"), options.BaseAddress);
        Assert.Equal("READER", options.Roles);
        Assert.Equal(TimeSpan.FromSeconds(2), options.AttemptTimeout);
        Assert.Equal(TimeSpan.FromSeconds(9), options.TotalTimeout);
        Assert.Equal(5, options.MaxRetryAttempts);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.RetryDelay);
    }

    [Fact]
    public void A_missing_base_address_is_reported_when_the_client_is_resolved()
    {
        var services = new ServiceCollection();
        services.AddCustomerCredentialsClient(_ => { });

        var failure = Assert.Throws<OptionsValidationException>(() => services.BuildServiceProvider().GetRequiredService<CustomerCredentialsClient>());

        Assert.Contains("BaseAddress", failure.Message);
    }

    [Fact]
    public void Registration_returns_the_http_client_builder_for_more_handlers()
    {
        var builder = new ServiceCollection().AddCustomerCredentialsClient(o => o.BaseAddress = new Uri("http://localhost/"));

        Assert.IsAssignableFrom<IHttpClientBuilder>(builder);
        Assert.False(string.IsNullOrEmpty(builder.Name));
    }

    private static IEnumerable<Type> TypesIn(MemberInfo member) => member switch
    {
        MethodInfo method => method.GetParameters().Select(p => p.ParameterType).Append(method.ReturnType).SelectMany(Expand),
        PropertyInfo property => Expand(property.PropertyType),
        FieldInfo field => Expand(field.FieldType),
        ConstructorInfo constructor => constructor.GetParameters().Select(p => p.ParameterType).SelectMany(Expand),
        _ => [],
    };

    private static IEnumerable<Type> Expand(Type type) =>
        type.IsGenericType ? type.GetGenericArguments().SelectMany(Expand).Append(type.GetGenericTypeDefinition())
        : type.HasElementType ? Expand(type.GetElementType()!)
        : [type];
}
