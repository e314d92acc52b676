using System.Globalization;
using System.Text;
using Customers.Precis;

namespace Customers.Server.Tests.Usernames;

/// <summary>The PRECIS UsernameCaseMapped profile (RFC 8265) on its own: the RFC's examples and the look-alikes it exists to stop.</summary>
public sealed class UsernameProfileTests
{
    // RFC 8265 section 3.5 (valid userparts), plus the equivalences the service promises.
    [Theory]
    [InlineData("juliet@example.com", "juliet@example.com")]
    [InlineData("fussball", "fussball")]
    [InlineData("fußball", "fußball")]
    [InlineData("π", "π")]
    [InlineData("Σ", "σ")]
    [InlineData("σ", "σ")]
    [InlineData("ς", "σ")] // simple case folding: final sigma is sigma (RFC 8265's toLowerCase keeps it)
    [InlineData("ΟΔΟΣ@x.gr", "οδοσ@x.gr")]
    [InlineData("οδος@x.gr", "οδοσ@x.gr")]
    [InlineData("Alice@Example.COM", "alice@example.com")]
    [InlineData("ａｌｉｃｅ＠ｅｘａｍｐｌｅ．ｃｏｍ", "alice@example.com")] // width mapping
    [InlineData("ﾛ", "ロ")] // half-width katakana
    [InlineData("e\u0301cole", "école")] // NFC
    [InlineData("\u212Aelvin", "kelvin")] // KELVIN SIGN is K by NFC, then folded
    [InlineData("ꭰꮝꮿ", "ᎠᏍᏯ")] // Cherokee folds to upper case
    [InlineData("john smith", "john smith")] // RFC 8265 3.3.1: userparts separated by one space
    [InlineData("l·l", "l·l")] // MIDDLE DOT between two l (RFC 5892 A.3)
    [InlineData("क्\u200Dष", "क्\u200Dष")] // ZWJ after a virama (RFC 5892 A.2)
    [InlineData("שלום", "שלום")]
    [InlineData("ابن١٢", "ابن١٢")]
    public void Allowed_usernames_have_the_expected_key(string username, string key)
    {
        Assert.True(UsernameCaseMapped.TryEnforce(username, out var actual, out var problem), problem);
        Assert.Equal(key.Normalize(NormalizationForm.FormC), actual);
    }

    // RFC 8265 section 3.5 (invalid userparts) and what look-alike attacks use.
    [Theory]
    [InlineData("alice\u200B@example.com", "U+200B")] // zero-width space
    [InlineData("alice\u2060@example.com", "U+2060")] // word joiner
    [InlineData("al\u00ADice@example.com", "U+00AD")] // soft hyphen
    [InlineData("\uFEFFalice@example.com", "U+FEFF")] // byte-order mark
    [InlineData("alice\u202E@example.com", "U+202E")] // right-to-left override
    [InlineData("alice\u2066@example.com", "U+2066")] // left-to-right isolate
    [InlineData("alice\u200D@example.com", "U+200D")] // ZWJ with no virama before it
    [InlineData("a\uFFFEb", "U+FFFE")] // noncharacters
    [InlineData("a\uFFFFb", "U+FFFF")]
    [InlineData("a\uFDD0b", "U+FDD0")]
    [InlineData("a\U0010FFFFb", "U+10FFFF")]
    [InlineData("a\u0378b", "U+0378")] // unassigned
    [InlineData("a\U000E0001b", "U+E0001")] // language tag
    [InlineData("a\uE000b", "U+E000")] // private use
    [InlineData("a\u0007b", "U+0007")] // control
    [InlineData("\u1100x", "U+1100")] // a conjoining Hangul jamo that forms no syllable
    [InlineData("henry\u2163", "U+2163")] // ROMAN NUMERAL FOUR
    [InlineData("\u265A", "U+265A")] // BLACK CHESS KING
    [InlineData("\uFB01le", "U+FB01")] // ligature fi
    [InlineData("a\u00A0b", "U+00A0")] // no-break space
    [InlineData("a\u3000b", "U+0020")] // ideographic space maps to a space inside a userpart
    [InlineData("a\u2019b", "U+2019")] // punctuation outside ASCII
    [InlineData("l·x", "U+00B7")] // middle dot out of context
    public void Disallowed_code_points_are_refused_and_named(string username, string codePoint)
    {
        Assert.False(UsernameCaseMapped.TryEnforce(username, out _, out var problem));
        Assert.Contains(codePoint, problem);
    }

    [Fact]
    public void An_unpaired_surrogate_is_refused_and_named()
    {
        // Not as InlineData: xunit would replace the lone surrogate with U+FFFD.
        Assert.False(UsernameCaseMapped.TryEnforce("ab\uD800", out _, out var problem));
        Assert.Contains("U+D800", problem);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" alice")]
    [InlineData("alice ")]
    [InlineData("john  smith")]
    [InlineData("שלוםabc")] // Bidi Rule: left-to-right letters in a right-to-left username
    [InlineData("abcשלום")] // starts left-to-right, holds right-to-left
    [InlineData("١abc")] // Arabic-Indic digit at the start
    [InlineData("ا١2")] // European and Arabic-Indic digits together
    [InlineData("٠۰")] // Arabic-Indic and extended Arabic-Indic digits together (RFC 5892 A.8)
    public void Badly_formed_usernames_are_refused(string username)
    {
        Assert.False(UsernameCaseMapped.TryEnforce(username, out _, out var problem));
        Assert.False(string.IsNullOrWhiteSpace(problem));
    }

    [Fact]
    [Trait("Tier", "Slow")]
    [Trait("Needs", "Time")]
    public void Enforcement_is_idempotent_for_every_single_code_point_it_allows()
    {
        var allowed = 0;
        for (var codePoint = 0; codePoint <= 0x10FFFF; codePoint++)
        {
            if (codePoint is >= 0xD800 and <= 0xDFFF || !UsernameCaseMapped.TryEnforce(char.ConvertFromUtf32(codePoint), out var key, out _))
            {
                continue;
            }

            allowed++;
            Assert.True(UsernameCaseMapped.TryEnforce(key, out var again, out var problem), $"U+{codePoint:X4}: its key is refused: {problem}");
            Assert.True(key == again, $"U+{codePoint:X4}: key {Hex(key)} prepares again to {Hex(again)}");
        }

        Assert.InRange(allowed, 100_000, 200_000); // letters and digits of every script
    }

    [Fact]
    public void The_tables_agree_with_the_character_data_that_dotnet_ships()
    {
        // .NET's CharUnicodeInfo may follow a newer Unicode version than the tables; a code point
        // that both have assigned must be a letter, digit or mark in .NET when the tables allow it.
        string[] letterDigits = ["LowercaseLetter", "UppercaseLetter", "OtherLetter", "DecimalDigitNumber", "ModifierLetter", "NonSpacingMark", "SpacingCombiningMark"];
        var disagreements = new List<string>();
        for (var codePoint = 0x80; codePoint <= 0x10FFFF; codePoint++)
        {
            if (codePoint is >= 0xD800 and <= 0xDFFF || UsernameCaseMapped.ClassOf(codePoint) != PrecisClass.Pvalid)
            {
                continue;
            }

            var category = CharUnicodeInfo.GetUnicodeCategory(codePoint).ToString();
            if (!letterDigits.Contains(category) && codePoint is not (0x00DF or 0x03C2 or 0x06FD or 0x06FE or 0x0F0B or 0x3007))
            {
                disagreements.Add($"U+{codePoint:X4} {category}");
            }
        }

        Assert.True(disagreements.Count == 0, string.Join(", ", disagreements.Take(20)));
    }

    [Fact]
    public void This_host_computes_keys_as_the_tables_say() => Assert.Null(UsernameCaseMapped.HostProblem());

    [Fact]
    public void A_username_stored_under_the_old_rule_keeps_a_key_without_its_invisible_code_points()
    {
        Assert.Equal("alice@example.com", UsernameCaseMapped.LenientKey("Alice\u200B@example.com"));
        Assert.Equal("alice@example.com", UsernameCaseMapped.LenientKey("alice@example.com"));
        Assert.Equal("john smith", UsernameCaseMapped.LenientKey("John  Smith".Replace("  ", " ", StringComparison.Ordinal)));
    }

    private static string Hex(string? text) => text is null ? "null" : string.Join(' ', text.EnumerateRunes().Select(r => $"U+{r.Value:X4}"));
}
