using Customers.Server.Audit;
using Customers.Server.Auth;
using Customers.Server.Limits;
using Customers.Server.Storage;
using Customers.Server.Storage.Sqlite;
using Microsoft.Extensions.Options;

namespace Customers.Server.Infrastructure;

// The DataAnnotations of each options class, checked by code that the options source generator
// (Microsoft.Extensions.Options.SourceGeneration, in the ASP.NET Core targeting pack) writes at
// build time: no reflection at start, and trimming-safe. Registered with AddValidatedOptions.
// Rules that span several fields are hand-written next to their options (StorageOptionsRules,
// JwtBearerModeRules); rules that need the environment or the file system stay in ConfigurationProblems.

[OptionsValidator]
public sealed partial class StorageOptionsValidator : IValidateOptions<StorageOptions>;

[OptionsValidator]
public sealed partial class SqliteBackupOptionsValidator : IValidateOptions<SqliteBackupOptions>;

[OptionsValidator]
public sealed partial class IdempotencyOptionsValidator : IValidateOptions<IdempotencyOptions>;

[OptionsValidator]
public sealed partial class OrganizationLimitsOptionsValidator : IValidateOptions<OrganizationLimitsOptions>;

[OptionsValidator]
public sealed partial class LimitsOptionsValidator : IValidateOptions<LimitsOptions>;

[OptionsValidator]
public sealed partial class AuditOptionsValidator : IValidateOptions<AuditOptions>;

[OptionsValidator]
public sealed partial class JwtBearerModeOptionsValidator : IValidateOptions<JwtBearerModeOptions>;
