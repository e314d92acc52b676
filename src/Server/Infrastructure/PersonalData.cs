using Microsoft.Extensions.Compliance.Classification;
using Microsoft.Extensions.Compliance.Redaction;

namespace Customers.Server.Infrastructure;

/// <summary>
/// Data about a person (usernames are often e-mail addresses). A [LoggerMessage] parameter marked
/// <see cref="PersonalDataAttribute"/> is erased before any log provider sees it.
/// </summary>
public static class PersonalData
{
    public static DataClassification Classification { get; } = new("Customers", "PersonalData");

    public static WebApplicationBuilder AddPersonalDataRedaction(this WebApplicationBuilder builder)
    {
        builder.Logging.EnableRedaction();
        builder.Services.AddRedaction(redaction => redaction.SetRedactor<ErasingRedactor>(new DataClassificationSet(Classification)));
        return builder;
    }
}

[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property | AttributeTargets.Field)]
public sealed class PersonalDataAttribute() : DataClassificationAttribute(PersonalData.Classification);
