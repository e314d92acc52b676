using System.Text;
using Customers.Precis;

namespace Customers.Server.Tests.Usernames;

/// <summary>
/// Test vectors for every rule the username profile implements, each rule on both sides of each of
/// its conditions, with the message a caller gets. Sources, marked on each group: the RFCs' own text
/// (RFC 5892 appendix A, RFC 5893 section 2, RFC 8264 sections 9.x, RFC 8265 section 3), the
/// enforcement tests of golang.org/x/text/secure/precis (enforce_test.go) and the golden inputs of
/// Python's precis_i18n (test/golden_source.txt), adapted where those run a profile without the Bidi
/// Rule (an Arabic letter leads digits that would otherwise break RFC 5893 rule 1). See
/// docs/mutation-testing.md.
/// </summary>
public sealed class UsernameProfileVectorTests
{
    private const string Profile = "; a username follows the PRECIS UsernameCaseMapped profile (RFC 8265).";
    private const string Context = "is allowed only in the context RFC 5892 appendix A gives it";
    private const string BidiRule = "; a username with right-to-left characters follows the Bidi Rule (RFC 5893).";

    // RFC 5892 A.1 ZERO WIDTH NON-JOINER: after a virama, or (Joining_Type:{L,D})(Joining_Type:T)*
    // ZWNJ (Joining_Type:T)*(Joining_Type:{R,D}). Mostly golang x/text "Context Rule 1"; the L-joining
    // letter is Manichaean (right-to-left) instead of Phags-pa, so the Bidi Rule holds too.
    public static TheoryData<string> ZwnjAllowed => new()
    {
        "\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645", // Persian "mikhaham": YEH (D) ZWNJ KHAH (D)
        "\u062C\u200C\u0627", // D ZWNJ R
        "\u062C\u0610\u200C\u0610\u0627", // D T ZWNJ T R
        "\u062C\u0610\u0610\u200C\u0610\u0610\u0627", // D T T ZWNJ T T R
        "\u062C\u0610\u200C\u0627",
        "\u062C\u200C\u0610\u0627",
        "\U00010ACD\u200C\U00010AC0", // L ZWNJ D (MANICHAEAN HETH, ALEPH)
        "\u0915\u094D\u200C\u0937", // after DEVANAGARI SIGN VIRAMA
    };

    [Theory]
    [MemberData(nameof(ZwnjAllowed))]
    public void Zwnj_is_allowed_where_RFC_5892_A1_allows_it(string username) => AssertAllowed(username, username);

    [Theory]
    [InlineData("a\u200Cb")] // Latin letters do not join (Joining_Type U)
    [InlineData("\u200C\u0627")] // nothing before
    [InlineData("\u062C\u200C")] // nothing after
    [InlineData("\u0610\u200C\u0610\u0627")] // only transparent marks before
    [InlineData("\u062C\u0610\u200C\u0610")] // only transparent marks after
    [InlineData("\u0627\u200C\u062C")] // ALEF joins on the right only (R) so cannot stand before
    [InlineData("\u0621\u200C\u062C")] // HAMZA does not join (U)
    [InlineData("\u062C\u200C\u0621")]
    [InlineData("\u062C\u200C\U00010ACD")] // HETH joins on the left only (L) so cannot stand after
    [InlineData("\u0A15\u0A4D\u0610\u200C")] // a mark between the virama and ZWNJ (golang)
    public void Zwnj_elsewhere_is_refused_as_out_of_context(string username) => AssertRefused(username, $"U+200C {Context}{Profile}");

    // RFC 5892 A.2 ZERO WIDTH JOINER: only after a virama. First and last virama of the table.
    [Theory]
    [InlineData("\u0915\u094D\u200D\u0937")] // DEVANAGARI SIGN VIRAMA
    [InlineData("\U00011F12\U00011F42\u200D\U00011F12")] // KAWI CONJOINER (Unicode 15.0)
    public void Zwj_after_a_virama_is_allowed(string username) => AssertAllowed(username, username);

    [Theory]
    [InlineData("\u200D\u0915")] // nothing before
    [InlineData("a\u200D")]
    [InlineData("\u062C\u200D\u0627")] // between joining letters: that context is ZWNJ's alone
    [InlineData("\u0A4Da\u200D")] // the virama is not immediately before (golang)
    public void Zwj_elsewhere_is_refused_as_out_of_context(string username) => AssertRefused(username, $"U+200D {Context}{Profile}");

    // RFC 5892 A.3 MIDDLE DOT: between two 'l' (golang "Context Rule 3"). Case mapping comes first
    // (RFC 8264 section 7), so "L·L" is "l·l".
    [Theory]
    [InlineData("l\u00B7l", "l\u00B7l")]
    [InlineData("al\u00B7la", "al\u00B7la")]
    [InlineData("L\u00B7L", "l\u00B7l")]
    public void Middle_dot_between_two_l_is_allowed(string username, string key) => AssertAllowed(username, key);

    [Theory]
    [InlineData("\u00B7")]
    [InlineData("l\u00B7")]
    [InlineData("\u00B7l")]
    [InlineData("a\u00B7")]
    [InlineData("l\u00B7a")]
    [InlineData("a\u00B7l")]
    [InlineData("a\u00B7a")]
    public void Middle_dot_elsewhere_is_refused(string username) => AssertRefused(username, $"U+00B7 {Context}{Profile}");

    // RFC 5892 A.4 GREEK LOWER NUMERAL SIGN (KERAIA): followed by a Greek character (golang "Context Rule 4").
    [Theory]
    [InlineData("\u0375\u03B1")]
    [InlineData("\u03B1\u0375\u03B1")]
    [InlineData("\u0375\u0375\u03B1")] // the sign is itself Greek
    [InlineData("\u03B1\u0375\u0375\u03B1")]
    public void Keraia_before_a_greek_character_is_allowed(string username) => AssertAllowed(username, username);

    [Theory]
    [InlineData("\u0375")]
    [InlineData("\u0375a")]
    [InlineData("\u03B1\u0375")]
    [InlineData("\u03B1\u0375\u0375")]
    [InlineData("\u03B1\u0375\u0375a")]
    public void Keraia_elsewhere_is_refused(string username) => AssertRefused(username, $"U+0375 {Context}{Profile}");

    // RFC 5892 A.5 and A.6 HEBREW PUNCTUATION GERESH and GERSHAYIM: after a Hebrew character (golang "Context Rule 5+6").
    [Theory]
    [InlineData("\u05E9\u05F3")]
    [InlineData("\u05E9\u05F3\u05F3\u05F3")]
    [InlineData("\u05E9\u05F4")]
    [InlineData("\u05E9\u05F4\u05F4\u05F4")]
    public void Geresh_and_gershayim_after_hebrew_are_allowed(string username) => AssertAllowed(username, username);

    [Theory]
    [InlineData("\u05F3", "U+05F3")]
    [InlineData("\u05F3\u05D4", "U+05F3")]
    [InlineData("a\u05F3b", "U+05F3")]
    [InlineData("\u05F4", "U+05F4")]
    [InlineData("\u05F4\u05D4", "U+05F4")]
    [InlineData("a\u05F4b", "U+05F4")]
    public void Geresh_and_gershayim_elsewhere_are_refused(string username, string codePoint) =>
        AssertRefused(username, $"{codePoint} {Context}{Profile}");

    // RFC 5892 A.7 KATAKANA MIDDLE DOT: some Hiragana, Katakana or Han character in the label (golang
    // "Context Rule 7", with a Han ideograph for its CJK radical, which the IdentifierClass refuses).
    // HALFWIDTH KATAKANA MIDDLE DOT becomes it by width mapping (RFC 8264 section 9.1).
    [Theory]
    [InlineData("a\u30C5c\u30FBdef", "a\u30C5c\u30FBdef")] // Katakana
    [InlineData("abc\u30FBd\u3076f", "abc\u30FBd\u3076f")] // Hiragana
    [InlineData("abc\u30FBd\u6F22f", "abc\u30FBd\u6F22f")] // Han
    [InlineData("\uFF71\uFF65\uFF72", "\u30A2\u30FB\u30A4")] // half width
    public void Katakana_middle_dot_with_japanese_script_is_allowed(string username, string key) => AssertAllowed(username, key);

    [Theory]
    [InlineData("\u30FB")]
    [InlineData("abc\u30FB")]
    [InlineData("\u30FBdef")]
    [InlineData("abc\u30FBdef")]
    public void Katakana_middle_dot_without_japanese_script_is_refused(string username) => AssertRefused(username, $"U+30FB {Context}{Profile}");

    // RFC 5892 A.8 and A.9: ARABIC-INDIC DIGITS (U+0660..0669) and EXTENDED ARABIC-INDIC DIGITS
    // (U+06F0..06F9) never in one label (golang "Context Rule 8+9"), ends of both ranges. An Arabic
    // letter leads, as RFC 5893 rule 1 wants.
    [Theory]
    [InlineData("\u0627\u0660")]
    [InlineData("\u0627\u0669")]
    [InlineData("\u0627\u0661\u0662\u0663\u0664\u0665")]
    [InlineData("\u0627\u06F0")]
    [InlineData("\u0627\u06F9")]
    [InlineData("\u0627\u06F1\u06F2\u06F3\u06F4\u06F5")]
    public void Digits_of_one_arabic_range_are_allowed(string username) => AssertAllowed(username, username);

    [Theory]
    [InlineData("\u0627\u0660\u06F0", "U+0660")] // the first out-of-context digit is named
    [InlineData("\u0627\u0660\u06F9", "U+0660")]
    [InlineData("\u0627\u0669\u06F5", "U+0669")]
    [InlineData("\u0627\u0661\u0662\u0663\u0664\u0665\u06F6", "U+0661")]
    [InlineData("\u0627\u06F0\u0660", "U+06F0")]
    [InlineData("\u0627\u06F0\u0669", "U+06F0")]
    [InlineData("\u0627\u06F9\u0665", "U+06F9")]
    [InlineData("\u0627\u06F1\u06F2\u06F3\u06F4\u06F5\u0666", "U+06F1")]
    public void Digits_of_both_arabic_ranges_are_refused(string username, string codePoint) =>
        AssertRefused(username, $"{codePoint} {Context}{Profile}");

    // RFC 5893 section 2, rule 1: the first character is L, R or AL. Inputs of precis_i18n's
    // "Bidirectional text" group and golang's UsernameCaseMapped group.
    [Theory]
    [InlineData("\u05D0\u05D1")]
    [InlineData("\u0627\u0628")]
    [InlineData("\U0001E900")] // ADLAM CAPITAL LETTER ALIF (R), folded to small
    public void A_right_to_left_username_starting_with_a_letter_is_allowed(string username) =>
        AssertAllowed(username, username == "\U0001E900" ? "\U0001E922" : username);

    [Theory]
    [InlineData("+\u05D0\u05D1", "U+002B")]
    [InlineData("1\u0627", "U+0031")]
    [InlineData("\u0661\u0627", "U+0661")]
    [InlineData("\u0661\u0662\u0663", "U+0661")]
    [InlineData("\u05B0\u05D0", "U+05B0")]
    public void A_right_to_left_username_must_start_with_a_letter(string username, string codePoint) =>
        AssertRefused(username, $"A username with right-to-left characters must start with a letter, not {codePoint}{BidiRule}");

    // Rule 2: a right-to-left label holds only R, AL, AN, EN, ES, CS, ET, ON, BN, NSM: one of each.
    [Theory]
    [InlineData("\u05D0\u0627")] // R, AL
    [InlineData("\u0627\u0661\u0627")] // AN
    [InlineData("\u05D01\u05D1")] // EN
    [InlineData("\u05D0-\u05D1")] // ES
    [InlineData("\u05D0.\u05D1")] // CS
    [InlineData("\u05D0#\u05D1")] // ET
    [InlineData("\u05D0(/%\\))\u05D1")] // ON, ET (precis_i18n)
    [InlineData("\u062C\u200C\u0627")] // BN: ZWNJ in its context
    [InlineData("\u05D0\u20D6\u05D1")] // NSM (precis_i18n)
    public void A_right_to_left_username_may_hold_digits_punctuation_and_marks(string username) => AssertAllowed(username, username);

    [Theory]
    [InlineData("\u05D0A\u05D1", "U+0061")] // precis_i18n; named as prepared (folded)
    [InlineData("\u05E9a\u05E9", "U+0061")]
    [InlineData("\u05E9\u00E9\u05E9", "U+00E9")]
    public void A_right_to_left_username_must_not_hold_a_left_to_right_letter(string username, string codePoint) =>
        AssertRefused(username, $"{codePoint} is a left-to-right character in a right-to-left username{BidiRule}");

    // Rule 3: it ends with R, AL, EN or AN, then any number of NSM.
    [Theory]
    [InlineData("\u0627\u05D0")] // R
    [InlineData("\u05D0\u0627")] // AL
    [InlineData("\u05D01")] // EN
    [InlineData("\u0627\u0661")] // AN
    [InlineData("\u05E9\u05B0")] // a combining mark after the last letter
    [InlineData("\u05E9\u05B0\u05B4")]
    public void A_right_to_left_username_ends_with_a_letter_or_digit_and_marks(string username) =>
        AssertAllowed(username, username.Normalize(NormalizationForm.FormC));

    [Theory]
    [InlineData("\u05D0\u05D1+", "U+002B")] // precis_i18n
    [InlineData("\u05E9!", "U+0021")]
    [InlineData("\u05E9-\u05B0", "U+002D")]
    public void A_right_to_left_username_must_not_end_with_punctuation(string username, string codePoint) =>
        AssertRefused(username, $"A right-to-left username must end with a right-to-left letter or a digit, not {codePoint}{BidiRule}");

    // Rule 4: not both European (EN) and Arabic-Indic (AN) digits.
    [Theory]
    [InlineData("\u0627\u06612")]
    [InlineData("\u06271\u0661")]
    public void A_right_to_left_username_must_not_mix_digit_kinds(string username) =>
        AssertRefused(username, $"A right-to-left username must not mix European and Arabic-Indic digits{BidiRule}");

    // Rules 5 and 6: a label that starts left-to-right holds no R, AL or AN. RFC 8265 section 3.3.3
    // applies the Bidi Rule only to strings with right-to-left characters, so a left-to-right name
    // ending in punctuation stays allowed (precis_i18n "Juliet+").
    [Theory]
    [InlineData("A\u05D0\u05D1")] // precis_i18n
    [InlineData("juliet\u05D1")]
    [InlineData("abc\u05E9\u05DC\u05D5\u05DD")]
    [InlineData("a\u0661")] // an Arabic-Indic digit makes a label right-to-left
    public void A_left_to_right_username_must_not_hold_right_to_left_characters(string username) =>
        AssertRefused(username, $"A username that starts left-to-right must not hold right-to-left characters or Arabic-Indic digits{BidiRule}");

    [Theory]
    [InlineData("Juliet+", "juliet+")]
    [InlineData("+Juliet", "+juliet")]
    [InlineData("a1\u0301", "a1\u0301")]
    public void The_bidi_rule_leaves_left_to_right_usernames_alone(string username, string key) => AssertAllowed(username, key);

    // RFC 8264 section 9.1 / RFC 8265 section 3.3.2 width mapping: fullwidth and halfwidth code points
    // become their <wide>/<narrow> decompositions; first and last entries of the table.
    [Theory]
    [InlineData("\uFF21\uFF22", "ab")] // golang
    [InlineData("a\uFF01", "a!")] // FULLWIDTH EXCLAMATION MARK, the first fullwidth form
    [InlineData("a\uFF5E", "a~")] // FULLWIDTH TILDE, the last fullwidth ASCII
    [InlineData("\uFF76", "\u30AB")] // precis_i18n: HALFWIDTH KATAKANA KA
    public void Width_mapping_gives_the_narrow_or_wide_form(string username, string key) => AssertAllowed(username, key);

    [Theory]
    [InlineData("a\u3000b", "U+3000 (U+0020 once mapped) is a space")] // IDEOGRAPHIC SPACE is a space inside a userpart
    [InlineData("a\uFFEE", "U+FFEE (U+25CB once mapped) is a symbol outside ASCII")] // HALFWIDTH WHITE CIRCLE, the last entry
    [InlineData("a\uFFE3", "U+FFE3 (U+00AF once mapped) has a compatibility equivalent (U+0020 U+0304) that is to be sent instead")]
    public void Width_mapped_code_points_are_judged_as_mapped(string username, string what) => AssertRefused(username, what + Profile);

    // Case mapping (simple case folding, see the profile's remarks) on the edges of its table, and
    // what golang's UsernameCaseMapped group expects of it.
    [Theory]
    [InlineData("A", "a")] // first entry
    [InlineData("\U0001E921", "\U0001E943")] // ADLAM CAPITAL LETTER SHA, the last entry
    [InlineData("\u0049", "\u0069")]
    [InlineData("\u0410", "\u0430")] // a confusable is not mapped to Latin
    [InlineData("\u03B0", "\u03B0")]
    [InlineData("\u1E61", "\u1E61")]
    [InlineData("\u00B5", "\u03BC")] // MICRO SIGN folds to mu
    [InlineData("z", "z")]
    public void Case_mapping_folds_each_letter(string username, string key) => AssertAllowed(username, key);

    // Normalization (NFC, RFC 8265 section 3.3.3): composed and decomposed forms are one username.
    [Theory]
    [InlineData("\u212B", "\u00E5")] // ANGSTROM SIGN (golang)
    [InlineData("A\u030A", "\u00E5")]
    [InlineData("\u00C5", "\u00E5")]
    [InlineData("c\u0327", "\u00E7")]
    [InlineData("R\u030C", "\u0159")]
    [InlineData("q\u0307\u0323", "q\u0323\u0307")] // canonical order of marks (precis_i18n)
    [InlineData("q\u0323\u0307", "q\u0323\u0307")]
    [InlineData("\u1100\u1161", "\uAC00")] // conjoining jamo compose to a syllable (precis_i18n)
    [InlineData("\u1100\u1161\u11A8", "\uAC01")]
    [InlineData("\u0B47\u0300\u0B3E\u0323", "\u0B47\u0300\u0B3E\u0323")] // precis_i18n "NFKC ambiguity": stays
    public void Normalization_makes_equivalent_sequences_one_key(string username, string key) => AssertAllowed(username, key);

    // Every class of RFC 8264 section 9 that the IdentifierClass disallows, with its message.
    [Theory]
    [InlineData("a\u0378b", "U+0378 is not assigned in Unicode {0}")]
    [InlineData("a\uFDD0b", "U+FDD0 is a noncharacter")]
    [InlineData("a\U0010FFFFb", "U+10FFFF is a noncharacter")]
    [InlineData("a\u0007b", "U+0007 is a control character")]
    [InlineData("\t", "U+0009 is a control character")] // golang
    [InlineData("a\u200Bb", "U+200B is invisible (a default-ignorable code point)")]
    [InlineData("a\U000E0001b", "U+E0001 is invisible (a default-ignorable code point)")]
    [InlineData("\u1100x", "U+1100 is an old Hangul jamo (use precomposed syllables)")]
    [InlineData("\uFB01le", "U+FB01 has a compatibility equivalent (U+0066 U+0069) that is to be sent instead")]
    [InlineData("\u03D2", "U+03D2 has a compatibility equivalent (U+03A5) that is to be sent instead")] // golang
    [InlineData("\u00B2", "U+00B2 has a compatibility equivalent (U+0032) that is to be sent instead")] // golang
    [InlineData("henry\u2163", "U+2163 (U+2173 once mapped) has a compatibility equivalent (U+0069 U+0076) that is to be sent instead")]
    [InlineData("a\u1680b", "U+1680 is a space")] // OGHAM SPACE MARK (golang)
    [InlineData("\u265A", "U+265A is a symbol outside ASCII")] // golang, RFC 8265 3.5
    [InlineData("a\u2019b", "U+2019 is punctuation outside ASCII")]
    [InlineData("a\u2ADC", "U+2ADC (U+2ADD once mapped) is a symbol outside ASCII")] // FORKING: NFC gives U+2ADD U+0338
    [InlineData("\u16EE", "U+16EE is a title-case letter, a letter-like number or an enclosing mark")] // golang
    [InlineData("a\u0488", "U+0488 is a title-case letter, a letter-like number or an enclosing mark")] // golang
    [InlineData("a\uE000b", "U+E000 is not allowed in identifiers")] // private use
    [InlineData("\u0627\u0640\u0628", "U+0640 is not allowed in identifiers")] // ARABIC TATWEEL, an RFC 5892 exception
    public void Each_disallowed_class_is_refused_with_its_message(string username, string what) =>
        AssertRefused(username, string.Format(System.Globalization.CultureInfo.InvariantCulture, what, PrecisTables.UnicodeVersion) + Profile);

    [Theory]
    [InlineData("", "A username must not be empty.")]
    [InlineData(" a", "U+0020 (space) may only stand between two parts of a username: not first, last or twice in a row.")]
    [InlineData("a ", "U+0020 (space) may only stand between two parts of a username: not first, last or twice in a row.")]
    [InlineData("a  b", "U+0020 (space) may only stand between two parts of a username: not first, last or twice in a row.")]
    public void Empty_and_badly_spaced_usernames_are_refused_with_their_message(string username, string message) =>
        AssertRefused(username, message);

    [Fact]
    public void Unpaired_surrogates_are_refused_as_not_unicode()
    {
        AssertRefused("ab\uD800", "The username has an unpaired surrogate U+D800: it is not Unicode text.");
        AssertRefused("\uDC00ab", "The username has an unpaired surrogate U+DC00: it is not Unicode text.");
        AssertRefused("a\uDBFF\uDBFFb", "The username has an unpaired surrogate U+DBFF: it is not Unicode text.");
    }

    [Theory]
    [InlineData("John Smith", "john smith")] // RFC 8265 3.3.1: each userpart is enforced on its own
    [InlineData("\u05D0\u05D1 Juliet", "\u05D0\u05D1 juliet")] // so the Bidi Rule applies per userpart
    [InlineData("a b c", "a b c")]
    public void Userparts_are_enforced_one_by_one(string username, string key) => AssertAllowed(username, key);

    [Theory]
    [InlineData("john \u200B", "U+200B is invisible (a default-ignorable code point)")]
    [InlineData("l\u00B7 l", "U+00B7 is allowed only in the context RFC 5892 appendix A gives it")] // the dot's context ends at the space
    public void A_bad_later_userpart_refuses_the_username(string username, string what) => AssertRefused(username, what + Profile);

    // The key the migration gives usernames stored before this profile (UsernameKeyMigration): an
    // allowed username keeps its key, code points in context included; elsewhere only what the
    // profile disallows outright is left out.
    [Theory]
    [InlineData("L\u00B7l", "l\u00B7l")]
    [InlineData("\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645", "\u0645\u06CC\u200C\u062E\u0648\u0627\u0647\u0645")]
    [InlineData("\u0915\u094D\u200D\u0937", "\u0915\u094D\u200D\u0937")]
    [InlineData("John\u200B Smith", "john smith")]
    [InlineData("\uFB01\u200B", "\uFB01")] // kept: has a compatibility equivalent
    [InlineData("\u265A\u200B", "\u265A")] // kept: symbol
    [InlineData("a\u2019b\u200B", "a\u2019b")] // kept: punctuation
    [InlineData("\u16EE\u200B", "\u16EE")] // kept: letter-like number
    [InlineData("\uFF21\u200Be\u0301", "a\u00E9")] // width mapped, folded, NFC
    [InlineData("a\u0007\uFDD0\u0378\u200Bb", "ab")] // control, noncharacter, unassigned, invisible: left out
    [InlineData("a\u200Cb", "ab")] // ZWNJ out of context: left out
    [InlineData("a\u1680b", "ab")] // a space other than U+0020: left out
    public void A_stored_username_gets_a_lenient_key(string stored, string key) =>
        Assert.Equal(key, UsernameCaseMapped.LenientKey(stored));

    private static void AssertAllowed(string username, string key)
    {
        Assert.True(UsernameCaseMapped.TryEnforce(username, out var actual, out var problem), $"{Hex(username)} refused: {problem}");
        Assert.Equal(Hex(key), Hex(actual));
    }

    private static void AssertRefused(string username, string message)
    {
        Assert.False(UsernameCaseMapped.TryEnforce(username, out var key, out var problem), $"{Hex(username)} allowed as {Hex(key)}");
        Assert.Equal(message, problem);
    }

    private static string Hex(string? text) => text is null ? "null" : string.Join(' ', text.EnumerateRunes().Select(r => $"U+{r.Value:X4}"));
}
