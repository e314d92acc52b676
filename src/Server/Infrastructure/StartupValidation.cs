using Microsoft.Extensions.Options;

namespace Customers.Server.Infrastructure;

/// <summary>
/// Every check of the settings before the service listens, and the one place that turns a failed
/// one into the start-up line and exit code (Program.cs): a mistake stops the service with one line
/// that names the setting and says why, rather than a stack trace from deep inside the first request.
/// </summary>
public static class StartupValidation
{
    /// <summary>The exit code for invalid configuration (EX_CONFIG in sysexits.h).</summary>
    public const int ExitCode = 78;

    /// <summary>
    /// The options' validators first (what ValidateOnStart registered: DataAnnotations through the
    /// source-generated validators, and the rules that span several settings), then what options
    /// cannot express (<see cref="ConfigurationProblems"/>: the host, the environment, files).
    /// Run before the host starts, so that the failure is not also logged by the host as a crash.
    /// </summary>
    /// <exception cref="OptionsValidationException">A setting breaks its rules.</exception>
    /// <exception cref="ConfigurationProblemException">A setting does not fit the environment.</exception>
    public static void Validate(WebApplication app)
    {
        app.Services.GetService<IStartupValidator>()?.Validate();
        if (ConfigurationProblems.Find(app.Configuration, app.Environment, app.Services) is { } problem)
        {
            throw new ConfigurationProblemException(problem);
        }
    }

    /// <summary>The one-line reason when <paramref name="exception"/> is a configuration failure; null for any other exception.</summary>
    public static string? Reason(Exception exception) => exception switch
    {
        // One options class: its failures, each naming its key, joined with "; " (one line).
        OptionsValidationException invalid => OneLine(invalid.Message),
        // Several options classes failed (the startup validator collects them).
        AggregateException { InnerExceptions: var inner } when inner.All(e => e is OptionsValidationException)
            => OneLine(string.Join("; ", inner.Select(e => e.Message))),
        ConfigurationProblemException problem => OneLine(problem.Message),
        // Binding: "Failed to convert configuration value 'x' at 'Storage:Provider' to type …": the setting and the value.
        InvalidOperationException { Message: var message } when message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal)
            => OneLine(message.Split(" to type ")[0].Replace("Failed to convert", "Cannot read", StringComparison.Ordinal)
                + (exception.InnerException is { } cause ? $": {cause.Message}" : ".")),
        _ => null,
    };

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}

/// <summary>A setting that options cannot judge on its own: it does not fit the host, the environment or the file system.</summary>
public sealed class ConfigurationProblemException(string problem) : Exception(problem);
