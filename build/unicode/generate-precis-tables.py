#!/usr/bin/env python3
"""Writes src/Shared/Precis/PrecisTables.cs from the Unicode Character Database.

The tables are what RFC 8264 (PRECIS) and RFC 5892/5893 need and .NET does not expose: each code
point's PRECIS IdentifierClass property (RFC 8264 section 8, with the reason a code point is
disallowed), simple case folding, width mapping, Bidi_Class, Joining_Type, viramas and the few
scripts the contextual rules name, plus NFC probes for the Unicode version the tables follow.

Input: the UCD files of Debian's package `unicode-data` (/usr/share/unicode), never Python's own
unicodedata module (its Unicode version is Python's, not the data's). Run it by hand after
installing a newer unicode-data, then commit the output together with a migration note:
    python3 build/unicode/generate-precis-tables.py [UCD_DIR]
`PrecisTablesTests` regenerates the tables in CI and fails if the committed file differs.
"""
import bz2
import os
import re
import sys

UCD = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/unicode"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "Shared", "Precis", "PrecisTables.cs")
MAX = 0x10FFFF


def lines(name):
    path = os.path.join(UCD, name)
    opener = bz2.open if path.endswith(".bz2") else open
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                yield [field.strip() for field in line.split(";")]


def ranges(field):
    if ".." in field:
        a, b = field.split("..")
        return int(a, 16), int(b, 16)
    return int(field, 16), int(field, 16)


def property_set(name, wanted):
    result = set()
    for fields in lines(name):
        if fields[1] == wanted:
            a, b = ranges(fields[0])
            result.update(range(a, b + 1))
    return result


def property_map(name, default):
    result = [default] * (MAX + 1)
    for fields in lines(name):
        a, b = ranges(fields[0])
        for cp in range(a, b + 1):
            result[cp] = fields[1]
    return result


with open(os.path.join(UCD, "DerivedAge.txt"), encoding="utf-8") as f:
    version = re.search(r"DerivedAge-(\d+\.\d+\.\d+)\.txt", f.readline()).group(1)

category = property_map("extracted/DerivedGeneralCategory.txt", "Cn")
ignorable = property_set("DerivedCoreProperties.txt", "Default_Ignorable_Code_Point")
noncharacter = property_set("PropList.txt", "Noncharacter_Code_Point")
join_control = property_set("PropList.txt", "Join_Control")
hangul = property_map("HangulSyllableType.txt", "NA")
nfkc_no = set()
for fields in lines("DerivedNormalizationProps.txt"):
    if fields[1] == "NFKC_QC" and fields[2] == "N":
        a, b = ranges(fields[0])
        nfkc_no.update(range(a, b + 1))

# RFC 5892 section 2.6, which RFC 8264 section 9.6 takes as its Exceptions (F).
EXCEPTIONS = {}
for cp in (0x00DF, 0x03C2, 0x06FD, 0x06FE, 0x0F0B, 0x3007):
    EXCEPTIONS[cp] = "Pvalid"
for cp in [0x00B7, 0x0375, 0x05F3, 0x05F4, 0x30FB] + list(range(0x0660, 0x066A)) + list(range(0x06F0, 0x06FA)):
    EXCEPTIONS[cp] = "ContextO"
for cp in [0x0640, 0x07FA, 0x302E, 0x302F, 0x303B] + list(range(0x3031, 0x3036)):
    EXCEPTIONS[cp] = "ExceptionDisallowed"

LETTER_DIGITS = {"Ll", "Lu", "Lo", "Nd", "Lm", "Mn", "Mc"}
OTHER_LETTER_DIGITS = {"Lt", "Nl", "No", "Me"}
SYMBOLS = {"Sm", "Sc", "Sk", "So"}
PUNCTUATION = {"Pc", "Pd", "Ps", "Pe", "Pi", "Pf", "Po"}


def identifier_class(cp):
    """RFC 8264 section 8, in its order; FreeformClass-only code points keep their reason."""
    gc = category[cp]
    if cp in EXCEPTIONS:
        return EXCEPTIONS[cp]
    if gc == "Cn" and cp not in noncharacter:
        return "Unassigned"
    if 0x21 <= cp <= 0x7E:
        return "Pvalid"
    if cp in join_control:
        return "ContextJ"
    if hangul[cp] in ("L", "V", "T"):
        return "OldHangulJamo"
    if cp in noncharacter:
        return "Noncharacter"
    if cp in ignorable:
        return "DefaultIgnorable"
    if gc == "Cc":
        return "Control"
    if cp in nfkc_no:
        return "HasCompat"
    if gc in LETTER_DIGITS:
        return "Pvalid"
    if gc in OTHER_LETTER_DIGITS:
        return "OtherLetterDigit"
    if gc == "Zs":
        return "Space"
    if gc in SYMBOLS:
        return "Symbol"
    if gc in PUNCTUATION:
        return "Punctuation"
    return "OtherDisallowed"


def runs(values):
    """(start, value) for every change of value over the whole code space."""
    out = []
    previous = None
    for cp in range(MAX + 1):
        v = values(cp)
        if v != previous:
            out.append((cp, v))
            previous = v
    return out


classes = runs(identifier_class)

folding = []
for fields in lines("CaseFolding.txt"):
    if fields[1] in ("C", "S"):
        folding.append((int(fields[0], 16), int(fields[2], 16)))
folding.sort()

width = []
for fields in lines("UnicodeData.txt"):
    decomposition = fields[5]
    if decomposition.startswith("<wide>") or decomposition.startswith("<narrow>"):
        target = decomposition.split()[1:]
        assert len(target) == 1, fields
        width.append((int(fields[0], 16), int(target[0], 16)))
width.sort()

bidi = property_map("extracted/DerivedBidiClass.txt", "L")
bidi_runs = runs(lambda cp: bidi[cp])

joining = property_map("extracted/DerivedJoiningType.txt", "U")
joining_runs = runs(lambda cp: joining[cp] if joining[cp] in ("L", "D", "R", "T") else "U")

viramas = sorted(cp for fields in lines("extracted/DerivedCombiningClass.txt") if fields[1] == "9"
                 for cp in range(ranges(fields[0])[0], ranges(fields[0])[1] + 1))

scripts = property_map("Scripts.txt", "Other")
SCRIPTS = {"Greek", "Hebrew", "Hiragana", "Katakana", "Han"}
script_runs = runs(lambda cp: scripts[cp] if scripts[cp] in SCRIPTS else "Other")

# NFC probes: the NormalizationTest.txt cases that involve code points of this Unicode version,
# where NFC changes the text. A host whose ICU is older than the tables maps them differently.
age = property_map("DerivedAge.txt", "NA")
newest = ".".join(version.split(".")[:2])
probes = []
for fields in lines("NormalizationTest.txt.bz2"):
    if len(fields) < 5 or fields[0].startswith("@"):
        continue
    source = [int(x, 16) for x in fields[0].split()]
    nfc = [int(x, 16) for x in fields[1].split()]
    if source != nfc and any(age[cp] == newest for cp in source + nfc):
        probes.append((source, nfc))
probes = probes[:24]


def cs_string(cps):
    return '"' + "".join(f"\\U{cp:08X}" if cp > 0xFFFF else f"\\u{cp:04X}" for cp in cps) + '"'


def int_rows(values, per_line=12):
    items = [f"0x{v:X}" for v in values]
    return "\n".join("        " + ", ".join(items[i:i + per_line]) + "," for i in range(0, len(items), per_line))


BIDI = ["L", "R", "AL", "EN", "ES", "ET", "AN", "CS", "NSM", "BN", "B", "S", "WS", "ON",
        "LRE", "LRO", "RLE", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"]
assert set(v for _, v in bidi_runs) <= set(BIDI), set(v for _, v in bidi_runs) - set(BIDI)

# Enum values are written as bytes: only spans of primitive constants are stored as data.
CLASS_ORDER = ["Pvalid", "ContextJ", "ContextO", "Unassigned", "OldHangulJamo", "DefaultIgnorable",
               "Noncharacter", "Control", "HasCompat", "OtherLetterDigit", "Space", "Symbol",
               "Punctuation", "OtherDisallowed", "ExceptionDisallowed"]
JOINING = ["U", "L", "D", "R", "T"]
SCRIPT_ORDER = ["Other", "Greek", "Hebrew", "Hiragana", "Katakana", "Han"]


def byte_rows(values, order, per_line=24):
    items = [str(order.index(v)) for v in values]
    return "\n".join("        " + ", ".join(items[i:i + per_line]) + "," for i in range(0, len(items), per_line))


def enum_decl(name, order, doc):
    members = "\n".join(f"    {m} = {i}," for i, m in enumerate(order))
    return f"/// <summary>{doc}</summary>\ninternal enum {name} : byte\n{{\n{members}\n}}\n"


out = f"""// <auto-generated>
// Written by build/unicode/generate-precis-tables.py from the Unicode Character Database
// {version} (Debian package unicode-data). Do not edit: change the generator and run it again.
// </auto-generated>
#nullable enable

namespace Customers.Precis;

{enum_decl("PrecisClass", CLASS_ORDER, "A code point's IdentifierClass property (RFC 8264 section 8), with the reason when it is not valid.")}
{enum_decl("BidiClass", BIDI, "Unicode Bidi_Class (UAX #9), as the Bidi Rule of RFC 5893 uses it.")}
{enum_decl("JoiningType", JOINING, "Unicode Joining_Type, for the ZERO WIDTH NON-JOINER rule of RFC 5892 A.1.")}
{enum_decl("PrecisScript", SCRIPT_ORDER, "The scripts that the contextual rules of RFC 5892 appendix A name.")}
internal static class PrecisTables
{{
    /// <summary>The Unicode version of every table here.</summary>
    public const string UnicodeVersion = "{version}";

    /// <summary>Starts of the runs of <see cref="ClassValues"/>.</summary>
    public static ReadOnlySpan<int> ClassStarts =>
    [
{int_rows(s for s, _ in classes)}
    ];

    /// <summary><see cref="PrecisClass"/> of each run.</summary>
    public static ReadOnlySpan<byte> ClassValues =>
    [
{byte_rows([v for _, v in classes], CLASS_ORDER)}
    ];

    /// <summary>Simple case folding (CaseFolding.txt, status C and S): sorted sources.</summary>
    public static ReadOnlySpan<int> FoldFrom =>
    [
{int_rows(a for a, _ in folding)}
    ];

    public static ReadOnlySpan<int> FoldTo =>
    [
{int_rows(b for _, b in folding)}
    ];

    /// <summary>Width mapping (decompositions tagged &lt;wide&gt; or &lt;narrow&gt;): sorted sources.</summary>
    public static ReadOnlySpan<int> WidthFrom =>
    [
{int_rows(a for a, _ in width)}
    ];

    public static ReadOnlySpan<int> WidthTo =>
    [
{int_rows(b for _, b in width)}
    ];

    public static ReadOnlySpan<int> BidiStarts =>
    [
{int_rows(s for s, _ in bidi_runs)}
    ];

    public static ReadOnlySpan<byte> BidiValues =>
    [
{byte_rows([v for _, v in bidi_runs], BIDI)}
    ];

    public static ReadOnlySpan<int> JoiningStarts =>
    [
{int_rows(s for s, _ in joining_runs)}
    ];

    public static ReadOnlySpan<byte> JoiningValues =>
    [
{byte_rows([v for _, v in joining_runs], JOINING)}
    ];

    public static ReadOnlySpan<int> ScriptStarts =>
    [
{int_rows(s for s, _ in script_runs)}
    ];

    public static ReadOnlySpan<byte> ScriptValues =>
    [
{byte_rows([v for _, v in script_runs], SCRIPT_ORDER)}
    ];

    /// <summary>Code points whose Canonical_Combining_Class is Virama (9).</summary>
    public static ReadOnlySpan<int> Viramas =>
    [
{int_rows(viramas)}
    ];

    /// <summary>NFC cases of NormalizationTest.txt that involve code points new in {newest}: (source, NFC) pairs.</summary>
    public static readonly (string Source, string Nfc)[] NfcProbes =
    [
{chr(10).join(f"        ({cs_string(s)}, {cs_string(n)})," for s, n in probes)}
    ];
}}
"""
with open(OUT, "w", encoding="utf-8", newline="\n") as f:
    f.write(out)
print(f"wrote {os.path.relpath(OUT)}: Unicode {version}, {len(classes)} class runs, {len(folding)} foldings, "
      f"{len(width)} width mappings, {len(bidi_runs)} bidi runs, {len(probes)} NFC probes")
