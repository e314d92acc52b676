using System.Text.Json.Serialization;
using Customers.Client.Models;

namespace Customers.Client.Testing;

/// <summary>The fake answers with the contract's generated DTOs, serialized without reflection.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(CustomerCreated))]
[JsonSerializable(typeof(Customer))]
[JsonSerializable(typeof(CredentialCreated))]
[JsonSerializable(typeof(CredentialList))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(AuditEventPage))]
[JsonSerializable(typeof(AuditVerification))]
[JsonSerializable(typeof(Dictionary<string, string?>))] // the canonical body of an idempotency fingerprint
internal sealed partial class FakeJsonContext : JsonSerializerContext;
