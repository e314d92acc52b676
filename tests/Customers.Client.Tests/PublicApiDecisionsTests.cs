using System.Reflection;
using System.Runtime.CompilerServices;
using Customers.Client.Models;

namespace Customers.Client.Tests;

/// <summary>The public API decisions taken before 1.0 (CHANGELOG 0.2.0), held by the compiled surface.</summary>
public sealed class PublicApiDecisionsTests
{
    [Fact]
    public void A_model_the_client_returns_cannot_be_changed_after_it_is_built()
    {
        var mutable = typeof(CredentialCreated).Assembly.GetExportedTypes().Where(t => t.Namespace == typeof(CredentialCreated).Namespace)
            .SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            .Where(p => p.SetMethod is { IsPublic: true } setter && !setter.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit))
                || p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() == typeof(List<>))
            .Select(p => $"{p.DeclaringType!.Name}.{p.Name}");

        Assert.Empty(mutable);
    }

    [Fact]
    public void A_test_builds_a_model_with_an_object_initializer()
    {
        var credential = new CredentialResponse { Id = Guid.Empty, Username = "alice@example.com", CreatedAt = DateTimeOffset.UnixEpoch };
        var list = new CredentialList { Credentials = [credential] };

        Assert.Same(credential, Assert.Single(list.Credentials));
    }

    [Fact]
    public void Error_codes_are_read_at_run_time_not_compiled_into_callers()
    {
        var codes = typeof(CustomerCredentialsErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static);

        Assert.NotEmpty(codes);
        Assert.All(codes, f => Assert.True(f is { IsLiteral: false, IsInitOnly: true }, $"{f.Name} is a const: its value would be compiled into every caller."));
    }
}
