using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Customers.Precis;

/// <summary>
/// The PRECIS UsernameCaseMapped profile (RFC 8265 section 3.3, on the IdentifierClass of RFC 8264):
/// decides whether a username is allowed and computes the form two usernames are compared in.
/// No maintained .NET package implements PRECIS, and .NET exposes neither the derived property
/// nor Bidi_Class nor case folding, so the rules are here and the Unicode data they need is
/// generated into <see cref="PrecisTables"/> from one Unicode version. Only NFC comes from the
/// host (ICU); <see cref="HostProblem"/> refuses a host whose NFC disagrees with those tables.
/// </summary>
/// <remarks>
/// Deliberate choices, all stricter than or equal to the RFC except the case mapping:
/// case mapping is Unicode simple case folding (so final sigma "ς" and "σ" are one username;
/// RFC 8265 names toLowerCase, which keeps them apart); ZERO WIDTH JOINER and NON-JOINER are
/// allowed only where RFC 5892 appendix A allows them; U+0020 may separate userparts
/// (RFC 8265 section 3.3.1) but not lead, trail or double.
/// </remarks>
internal static class UsernameCaseMapped
{
    /// <summary>What stored comparison keys were computed with; a change means keys are recomputed.</summary>
    public const string KeyBasis = "PRECIS UsernameCaseMapped (RFC 8265) with simple case folding, Unicode " + PrecisTables.UnicodeVersion;

    private const int Space = 0x20;
    private const int ZeroWidthNonJoiner = 0x200C;
    private const int ZeroWidthJoiner = 0x200D;

    /// <summary>
    /// Enforces the profile. On success <paramref name="key"/> is the prepared form: two usernames
    /// are the same exactly when their keys are equal (ordinal). On failure <paramref name="problem"/>
    /// says what is wrong, naming the code point as U+XXXX.
    /// </summary>
    public static bool TryEnforce(string username, [NotNullWhen(true)] out string? key, [NotNullWhen(false)] out string? problem)
    {
        key = null;
        if (!TryDecode(username, out var codePoints, out problem))
        {
            return false;
        }

        if (codePoints.Count == 0)
        {
            problem = "A username must not be empty.";
            return false;
        }

        var parts = new List<string>();
        var start = 0;
        for (var i = 0; i <= codePoints.Count; i++)
        {
            if (i < codePoints.Count && codePoints[i] != Space)
            {
                continue;
            }

            if (i == start)
            {
                problem = "U+0020 (space) may only stand between two parts of a username: not first, last or twice in a row.";
                return false;
            }

            if (!TryEnforcePart(codePoints.GetRange(start, i - start), out var part, out problem))
            {
                return false;
            }

            parts.Add(part);
            start = i + 1;
        }

        key = string.Join(' ', parts);
        return true;
    }

    /// <summary>
    /// The comparison key of a username stored before this profile applied, even if the profile
    /// would refuse it now: code points that the profile disallows are left out of the key, so a
    /// stored "alice\u200B@x" still takes "alice@x". Never used for new input.
    /// </summary>
    public static string LenientKey(string username)
    {
        if (TryEnforce(username, out var key, out _))
        {
            return key;
        }

        var kept = new StringBuilder();
        foreach (var rune in username.EnumerateRunes())
        {
            var mapped = Fold(Width(rune.Value));
            var propertyClass = ClassOf(mapped);
            if (mapped == Space || propertyClass is PrecisClass.Pvalid or PrecisClass.HasCompat or PrecisClass.OtherLetterDigit or PrecisClass.Symbol or PrecisClass.Punctuation)
            {
                kept.Append(char.ConvertFromUtf32(mapped));
            }
        }

        return kept.ToString().Normalize(NormalizationForm.FormC);
    }

    /// <summary>
    /// Null when this process computes keys as the tables say; otherwise one line naming the
    /// problem (invariant globalization, where normalization does nothing, or an ICU older than
    /// the tables' Unicode version).
    /// </summary>
    public static string? HostProblem()
    {
        try
        {
            if ("e\u0301".Normalize(NormalizationForm.FormC) != "\u00E9")
            {
                return "Unicode normalization does nothing in this process (globalization invariant mode?); usernames cannot be compared. Install ICU (libicu) and unset DOTNET_SYSTEM_GLOBALIZATION_INVARIANT.";
            }

            foreach (var (source, nfc) in PrecisTables.NfcProbes)
            {
                if (source.Normalize(NormalizationForm.FormC) != nfc)
                {
                    return $"This host's Unicode normalization (ICU) is older than Unicode {PrecisTables.UnicodeVersion}, which username keys follow; install a newer libicu.";
                }
            }
        }
        catch (Exception exception) when (exception is PlatformNotSupportedException or ArgumentException)
        {
            return $"Unicode normalization is not available in this process ({exception.GetType().Name}); usernames cannot be compared. Install ICU (libicu) and unset DOTNET_SYSTEM_GLOBALIZATION_INVARIANT.";
        }

        return null;
    }

    /// <summary>The IdentifierClass property of a code point (RFC 8264 section 8).</summary>
    public static PrecisClass ClassOf(int codePoint) =>
        (PrecisClass)PrecisTables.ClassValues[RunOf(PrecisTables.ClassStarts, codePoint)];

    private static bool TryEnforcePart(List<int> codePoints, [NotNullWhen(true)] out string? part, [NotNullWhen(false)] out string? problem)
    {
        part = null;
        var mapped = new StringBuilder(codePoints.Count);
        foreach (var codePoint in codePoints)
        {
            var value = Fold(Width(codePoint));
            // These never change under NFC, and NFC refuses some of them (U+FFFE): check first.
            if (ClassOf(value) is PrecisClass.Unassigned or PrecisClass.Noncharacter or PrecisClass.Control or PrecisClass.DefaultIgnorable or PrecisClass.OtherDisallowed)
            {
                problem = Disallowed(value);
                return false;
            }

            mapped.Append(char.ConvertFromUtf32(value));
        }

        var normalized = mapped.ToString().Normalize(NormalizationForm.FormC);
        var prepared = normalized.EnumerateRunes().Select(r => r.Value).ToArray();
        for (var i = 0; i < prepared.Length; i++)
        {
            var allowed = ClassOf(prepared[i]) switch
            {
                PrecisClass.Pvalid => true,
                PrecisClass.ContextJ => ContextJ(prepared, i),
                PrecisClass.ContextO => ContextO(prepared, i),
                _ => false,
            };
            if (!allowed)
            {
                problem = Disallowed(prepared[i], ClassOf(prepared[i]) is PrecisClass.ContextJ or PrecisClass.ContextO, Sent(codePoints, prepared[i]));
                return false;
            }
        }

        if (BidiProblem(prepared) is { } bidi)
        {
            problem = bidi;
            return false;
        }

        part = normalized;
        problem = null;
        return true;
    }

    private static bool TryDecode(string text, out List<int> codePoints, [NotNullWhen(false)] out string? problem)
    {
        codePoints = new List<int>(text.Length);
        for (var i = 0; i < text.Length;)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var used) != System.Buffers.OperationStatus.Done)
            {
                problem = $"The username has an unpaired surrogate U+{(int)text[i]:X4}: it is not Unicode text.";
                return false;
            }

            codePoints.Add(rune.Value);
            i += used;
        }

        problem = null;
        return true;
    }

    // The code point as the caller sent it, when mapping changed it (U+2163 is U+2173 once folded).
    private static int Sent(List<int> sent, int prepared) =>
        sent.FirstOrDefault(c => char.ConvertFromUtf32(Fold(Width(c))).Normalize(NormalizationForm.FormC).EnumerateRunes().Any(r => r.Value == prepared), prepared);

    private static string Disallowed(int codePoint, bool outOfContext = false, int? sent = null)
    {
        var what = outOfContext
            ? "is allowed only in the context RFC 5892 appendix A gives it"
            : ClassOf(codePoint) switch
            {
                PrecisClass.Unassigned => $"is not assigned in Unicode {PrecisTables.UnicodeVersion}",
                PrecisClass.Noncharacter => "is a noncharacter",
                PrecisClass.Control => "is a control character",
                PrecisClass.DefaultIgnorable => "is invisible (a default-ignorable code point)",
                PrecisClass.OldHangulJamo => "is an old Hangul jamo (use precomposed syllables)",
                PrecisClass.HasCompat => $"has a compatibility equivalent ({Compatibility(codePoint)}) that is to be sent instead",
                PrecisClass.Space => "is a space",
                PrecisClass.Symbol => "is a symbol outside ASCII",
                PrecisClass.Punctuation => "is punctuation outside ASCII",
                PrecisClass.OtherLetterDigit => "is a title-case letter, a letter-like number or an enclosing mark",
                _ => "is not allowed in identifiers",
            };
        var name = sent is { } original && original != codePoint ? $"U+{original:X4} (U+{codePoint:X4} once mapped)" : $"U+{codePoint:X4}";
        return $"{name} {what}; a username follows the PRECIS UsernameCaseMapped profile (RFC 8265).";
    }

    private static string Compatibility(int codePoint) =>
        string.Join(' ', char.ConvertFromUtf32(codePoint).Normalize(NormalizationForm.FormKC).EnumerateRunes().Select(r => $"U+{r.Value:X4}"));

    // RFC 5892 appendix A.1 and A.2.
    private static bool ContextJ(int[] label, int i)
    {
        if (i > 0 && PrecisTables.Viramas.BinarySearch(label[i - 1]) >= 0)
        {
            return true;
        }

        if (label[i] != ZeroWidthNonJoiner)
        {
            return false;
        }

        // (Joining_Type:{L,D})(Joining_Type:T)*\u200C(Joining_Type:T)*(Joining_Type:{R,D})
        var before = i - 1;
        while (before >= 0 && JoiningOf(label[before]) == JoiningType.T)
        {
            before--;
        }

        var after = i + 1;
        while (after < label.Length && JoiningOf(label[after]) == JoiningType.T)
        {
            after++;
        }

        return before >= 0 && JoiningOf(label[before]) is JoiningType.L or JoiningType.D
            && after < label.Length && JoiningOf(label[after]) is JoiningType.R or JoiningType.D;
    }

    // RFC 5892 appendix A.3 to A.9.
    private static bool ContextO(int[] label, int i) => label[i] switch
    {
        0x00B7 => i > 0 && label[i - 1] == 'l' && i + 1 < label.Length && label[i + 1] == 'l',
        0x0375 => i + 1 < label.Length && ScriptOf(label[i + 1]) == PrecisScript.Greek,
        0x05F3 or 0x05F4 => i > 0 && ScriptOf(label[i - 1]) == PrecisScript.Hebrew,
        0x30FB => label.Any(c => ScriptOf(c) is PrecisScript.Hiragana or PrecisScript.Katakana or PrecisScript.Han),
        >= 0x0660 and <= 0x0669 => !label.Any(c => c is >= 0x06F0 and <= 0x06F9),
        >= 0x06F0 and <= 0x06F9 => !label.Any(c => c is >= 0x0660 and <= 0x0669),
        _ => false,
    };

    // The Bidi Rule (RFC 5893 section 2), for a username with right-to-left code points.
    private static string? BidiProblem(int[] label)
    {
        var classes = label.Select(BidiOf).ToArray();
        if (!classes.Any(c => c is BidiClass.R or BidiClass.AL or BidiClass.AN))
        {
            return null;
        }

        const string Rule = "a username with right-to-left characters follows the Bidi Rule (RFC 5893)";
        var last = classes.Length - 1;
        while (last > 0 && classes[last] == BidiClass.NSM)
        {
            last--;
        }

        if (classes[0] is BidiClass.R or BidiClass.AL)
        {
            for (var i = 0; i < classes.Length; i++)
            {
                if (classes[i] is not (BidiClass.R or BidiClass.AL or BidiClass.AN or BidiClass.EN or BidiClass.ES
                    or BidiClass.CS or BidiClass.ET or BidiClass.ON or BidiClass.BN or BidiClass.NSM))
                {
                    return $"U+{label[i]:X4} is a left-to-right character in a right-to-left username; {Rule}.";
                }
            }

            if (classes[last] is not (BidiClass.R or BidiClass.AL or BidiClass.EN or BidiClass.AN))
            {
                return $"A right-to-left username must end with a right-to-left letter or a digit, not U+{label[last]:X4}; {Rule}.";
            }

            if (classes.Contains(BidiClass.EN) && classes.Contains(BidiClass.AN))
            {
                return $"A right-to-left username must not mix European and Arabic-Indic digits; {Rule}.";
            }

            return null;
        }

        return classes[0] == BidiClass.L
            ? $"A username that starts left-to-right must not hold right-to-left characters or Arabic-Indic digits; {Rule}."
            : $"A username with right-to-left characters must start with a letter, not U+{label[0]:X4}; {Rule}.";
    }

    private static int Width(int codePoint)
    {
        var at = PrecisTables.WidthFrom.BinarySearch(codePoint);
        return at >= 0 ? PrecisTables.WidthTo[at] : codePoint;
    }

    private static int Fold(int codePoint)
    {
        var at = PrecisTables.FoldFrom.BinarySearch(codePoint);
        return at >= 0 ? PrecisTables.FoldTo[at] : codePoint;
    }

    private static BidiClass BidiOf(int codePoint) => (BidiClass)PrecisTables.BidiValues[RunOf(PrecisTables.BidiStarts, codePoint)];

    private static JoiningType JoiningOf(int codePoint) => (JoiningType)PrecisTables.JoiningValues[RunOf(PrecisTables.JoiningStarts, codePoint)];

    private static PrecisScript ScriptOf(int codePoint) => (PrecisScript)PrecisTables.ScriptValues[RunOf(PrecisTables.ScriptStarts, codePoint)];

    // The index of the run that holds codePoint: the last start at or below it.
    private static int RunOf(ReadOnlySpan<int> starts, int codePoint)
    {
        var at = starts.BinarySearch(codePoint);
        return at >= 0 ? at : ~at - 1;
    }
}
