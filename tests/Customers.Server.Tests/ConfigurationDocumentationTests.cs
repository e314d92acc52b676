using System.Reflection;
using System.Text.RegularExpressions;
using Customers.Server.Auth;
using Customers.Server.Infrastructure;
using Customers.Server.Limits;
using Customers.Server.Storage;

namespace Customers.Server.Tests;

/// <summary>
/// docs/configuration.md's settings table is the operator's reference: every setting that an
/// options class binds has a row, and every row in an options section names a setting that exists.
/// </summary>
public sealed partial class ConfigurationDocumentationTests
{
    private static readonly (string Section, Type Options)[] OptionsClasses =
    [
        (StorageOptions.Section, typeof(StorageOptions)),
        (LimitsOptions.Section, typeof(LimitsOptions)),
        (JwtBearerModeOptions.Section, typeof(JwtBearerModeOptions)),
        (GatewayOptions.Section, typeof(GatewayOptions)),
        (RoleGrantsOptions.Section, typeof(RoleGrantsOptions)),
        (OrganizationLimitsOptions.Section, typeof(OrganizationLimitsOptions)),
        (IdempotencyOptions.Section, typeof(IdempotencyOptions)),
        (Server.Storage.Sqlite.SqliteBackupOptions.Section, typeof(Server.Storage.Sqlite.SqliteBackupOptions)),
        (Customers.Server.Audit.AuditOptions.Section, typeof(Customers.Server.Audit.AuditOptions)),
    ];

    [Fact]
    public void Every_bound_setting_has_a_row_in_the_settings_table()
    {
        var documented = DocumentedSettings();

        var missing = BoundSettings().Where(setting => !documented.Contains(setting)).ToList();

        Assert.True(missing.Count == 0, $"docs/configuration.md has no row for: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Every_row_of_an_options_section_names_a_setting_that_is_bound()
    {
        var bound = BoundSettings().ToHashSet(StringComparer.Ordinal);

        var unknown = DocumentedSettings()
            .Where(setting => OptionsClasses.Any(o => setting.StartsWith(o.Section + ":", StringComparison.Ordinal)) && !bound.Contains(setting))
            .ToList();

        Assert.True(unknown.Count == 0, $"docs/configuration.md documents settings that no options class binds: {string.Join(", ", unknown)}");
    }

    [Fact]
    public void Each_row_gives_the_environment_variable_of_its_setting()
    {
        foreach (var (setting, variable) in Rows())
        {
            if (setting.StartsWith('(') || variable.StartsWith("ASPNETCORE_", StringComparison.Ordinal))
            {
                continue;
            }

            Assert.True(variable.StartsWith(setting.Replace(":", "__", StringComparison.Ordinal), StringComparison.Ordinal),
                $"{setting} is documented with the environment variable {variable}");
        }
    }

    /// <summary>Section:Property for scalar properties, Section:Property:&lt;KEY&gt; for dictionaries (one row per map).</summary>
    private static IEnumerable<string> BoundSettings() =>
        from options in OptionsClasses
        from property in options.Options.GetProperties(BindingFlags.Public | BindingFlags.Instance)
        where property.CanWrite
        select property.PropertyType.IsGenericType && property.PropertyType.GetGenericTypeDefinition() == typeof(Dictionary<,>)
            ? $"{options.Section}:{property.Name}:<ROLE>"
            : $"{options.Section}:{property.Name}";

    private static HashSet<string> DocumentedSettings() => Rows().Select(row => row.Setting).ToHashSet(StringComparer.Ordinal);

    private static IEnumerable<(string Setting, string Variable)> Rows()
    {
        var page = File.ReadAllText(Path.Combine(Repository.Root, "docs", "configuration.md"));
        var rows = SettingRow().Matches(page).Select(m => (m.Groups["setting"].Value, m.Groups["variable"].Value)).ToList();
        Assert.True(rows.Count > 20, "The settings table of docs/configuration.md was not found.");
        return rows;
    }

    [GeneratedRegex(@"^\| `?(?<setting>[^`|]+?)`? \| `(?<variable>[^`]+)` \|", RegexOptions.Multiline)]
    private static partial Regex SettingRow();
}
