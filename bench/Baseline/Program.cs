using System.Text.Json.Serialization;
using Microsoft.Data.Sqlite;
using Npgsql;

// Three baselines the service is measured against, as the issues' reference tables define them:
// - fixed bytes (the ceiling): an ASP.NET Core minimal API on Kestrel answering the GET route with
//   the very bytes the service answers for a seeded customer. No MVC, no JSON, no storage.
// - --Postgres <connection string> (the limit of the PostgreSQL path, TechEmpower's "single
//   query"): the same route runs the service's SELECT through Npgsql, with the service's pool and
//   prepare settings, and writes the same JSON with a source-generated serializer. No MVC, no
//   validation, no roles, no tenancy.
// - --Sqlite <database file> (the limit of the embedded path): the same for the service's SQLite
//   file, read through Microsoft.Data.Sqlite with one prepared command per open connection (as the
//   service's reader sessions do), opened beside the running service (WAL lets readers in).
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, BaselineJson.Default));

var app = builder.Build();
const string Route = "/v4/orgs/{orgId}/customers/{customerId}/credentials";
if (builder.Configuration["Postgres"] is { Length: > 0 } connectionString)
{
    var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(connectionString)
    {
        MaxPoolSize = Math.Max(4, 2 * Environment.ProcessorCount),
        MaxAutoPrepare = 32,
        AutoPrepareMinUsages = 2,
        NoResetOnClose = true,
    }.ConnectionString);
    app.MapGet(Route, async (string orgId, Guid customerId, CancellationToken cancellationToken) =>
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT cr.id, cr.username, cr.created_at
            FROM customers AS c
            LEFT JOIN credentials AS cr ON cr.org_id = c.org_id AND cr.customer_id = c.id
            WHERE c.org_id = @org AND c.id = @customer
            ORDER BY cr.created_at, cr.id;
            """, connection);
        command.Parameters.AddWithValue("org", orgId);
        command.Parameters.AddWithValue("customer", customerId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var credentials = new List<BaselineCredential>();
        while (await reader.ReadAsync(cancellationToken))
        {
            if (!reader.IsDBNull(0))
            {
                credentials.Add(new BaselineCredential(reader.GetGuid(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2)));
            }
        }

        return Results.Json(new BaselineList(credentials), BaselineJson.Default.BaselineList);
    });
    app.MapGet("/", () => Results.Ok());
}
else if (builder.Configuration["Sqlite"] is { Length: > 0 } databaseFile)
{
    var readers = new System.Collections.Concurrent.ConcurrentBag<SqliteCommand>();
    var sqliteConnection = new SqliteConnectionStringBuilder { DataSource = databaseFile, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString();
    app.MapGet(Route, (string orgId, Guid customerId) =>
    {
        if (!readers.TryTake(out var command))
        {
            var connection = new SqliteConnection(sqliteConnection);
            connection.Open();
            command = connection.CreateCommand();
            command.CommandText = """
                SELECT cr.id, cr.username, cr.created_at
                FROM customers AS c
                LEFT JOIN credentials AS cr ON cr.org_id = c.org_id AND cr.customer_id = c.id
                WHERE c.org_id = $org AND c.id = $customer
                ORDER BY cr.created_at, cr.id;
                """;
            command.Parameters.Add("$org", SqliteType.Text);
            command.Parameters.Add("$customer", SqliteType.Text);
        }

        command.Parameters[0].Value = orgId;
        command.Parameters[1].Value = customerId.ToString();
        var credentials = new List<BaselineCredential>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                if (!reader.IsDBNull(0))
                {
                    credentials.Add(new BaselineCredential(Guid.Parse(reader.GetString(0)), reader.GetString(1),
                        DateTimeOffset.UnixEpoch.AddTicks(reader.GetInt64(2) * 10)));
                }
            }
        }

        readers.Add(command);
        return Results.Json(new BaselineList(credentials), BaselineJson.Default.BaselineList);
    });
    app.MapGet("/", () => Results.Ok());
}
else
{
    var body = System.Text.Encoding.UTF8.GetBytes(builder.Configuration["Body"] ?? """{"credentials":[]}""");
    app.MapGet(Route, () => Results.Bytes(body, "application/json; charset=utf-8"));
    app.MapGet("/", () => Results.Bytes(body, "application/json; charset=utf-8"));
}

app.Run();

internal sealed record BaselineCredential(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("username")] string Username,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt);

internal sealed record BaselineList([property: JsonPropertyName("credentials")] List<BaselineCredential> Credentials);

[JsonSerializable(typeof(BaselineList))]
internal sealed partial class BaselineJson : JsonSerializerContext;
