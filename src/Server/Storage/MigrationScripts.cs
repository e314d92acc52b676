using System.Reflection;

namespace Customers.Server.Storage;

/// <summary>A versioned schema change, read from an embedded Storage/&lt;Provider&gt;/Migrations/NNNN_name.sql file.</summary>
public sealed record MigrationScript(int Version, string Name, string Sql)
{
    /// <summary>The provider's scripts in version order.</summary>
    public static IReadOnlyList<MigrationScript> For(string provider)
    {
        var assembly = Assembly.GetExecutingAssembly();
        var prefix = $"{assembly.GetName().Name}.Storage.{provider}.Migrations.";
        var scripts = assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Select(resource =>
            {
                var fileName = resource[prefix.Length..^".sql".Length];
                var separator = fileName.IndexOf('_');
                var version = int.Parse(fileName[..separator], System.Globalization.CultureInfo.InvariantCulture);
                using var stream = assembly.GetManifestResourceStream(resource)!;
                using var reader = new StreamReader(stream);
                return new MigrationScript(version, fileName[(separator + 1)..], reader.ReadToEnd());
            })
            .OrderBy(script => script.Version)
            .ToList();
        if (scripts.Count == 0)
        {
            throw new InvalidOperationException($"No migration scripts are embedded for {provider}.");
        }

        return scripts;
    }
}
