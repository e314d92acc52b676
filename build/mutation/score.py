#!/usr/bin/env python3
"""Reads a Stryker.NET JSON report: prints the counts and the score of one target, each survivor,
and which survivors equivalent-mutants.md does not explain. Exit 1 under the target score or with
an unexplained survivor. Usage: score.py REPORT TARGET MIN_SCORE EQUIVALENTS_MD SECONDS ROOT"""
import json
import os
import re
import sys

MAX_SNIPPET = 100


def squash(text):
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= MAX_SNIPPET else text[:MAX_SNIPPET] + "…"


def original(source_lines, location):
    start, end = location["start"], location["end"]
    lines = source_lines[start["line"] - 1:end["line"]]
    if not lines:
        return ""
    if len(lines) == 1:
        return lines[0][start["column"] - 1:end["column"] - 1]
    lines[-1] = lines[-1][:end["column"] - 1]
    lines[0] = lines[0][start["column"] - 1:]
    return "\n".join(lines)


def explained(path):
    """Each '### FILE: MUTATOR' heading with its '- original:' and '- replacement:' lines."""
    entries = set()
    if not os.path.exists(path):
        return entries
    current = None
    fields = {}
    with open(path, encoding="utf-8") as md:
        for line in md:
            heading = re.match(r"^### (\S+): (.+?)\s*$", line)
            if heading:
                current = heading.groups()
                fields = {}
                continue
            field = re.match(r"^- (original|replacement): `(.*)`\s*$", line)
            if current and field:
                fields[field.group(1)] = field.group(2)
                if "original" in fields and "replacement" in fields:
                    entries.add((current[0], current[1], fields["original"], fields["replacement"]))
    return entries


def main():
    report, target, minimum, equivalents, seconds, root = sys.argv[1:7]
    with open(report, encoding="utf-8") as f:
        data = json.load(f)
    counts = {}
    survivors = []
    for path, file in data["files"].items():
        lines = file["source"].split("\n")
        name = os.path.basename(path)
        for mutant in file["mutants"]:
            status = mutant["status"]
            counts[status] = counts.get(status, 0) + 1
            if status in ("Survived", "NoCoverage"):
                survivors.append((name, mutant["location"]["start"]["line"], mutant["mutatorName"], status,
                                  squash(original(lines, mutant["location"])), squash(mutant.get("replacement", ""))))
    killed, timeout = counts.get("Killed", 0), counts.get("Timeout", 0)
    survived, no_coverage = counts.get("Survived", 0), counts.get("NoCoverage", 0)
    valid = killed + timeout + survived + no_coverage
    score = 100.0 * (killed + timeout) / valid if valid else 0.0
    known = explained(equivalents)
    unexplained = [s for s in survivors if (s[0], s[2], s[4], s[5]) not in known]
    print(f"{target}: {killed} killed, {survived} survived, {timeout} timeout, {no_coverage} no coverage, "
          f"{counts.get('CompileError', 0)} compile error, {counts.get('Ignored', 0)} ignored; "
          f"took {int(seconds) // 60} min {int(seconds) % 60} s")
    for name, line, mutator, status, before, after in sorted(survivors):
        mark = "  " if (name, mutator, before, after) in known else "! "
        print(f"{mark}{status} {name}:{line} {mutator}: `{before}` -> `{after}`")
    if unexplained:
        print(f"{len(unexplained)} survivor(s) not explained in {os.path.relpath(equivalents, root)} (marked !); "
              "kill each with a test or add it there with the reason it cannot change behaviour:")
        for name, line, mutator, status, before, after in sorted(unexplained):
            print(f"### {name}: {mutator}\n- original: `{before}`\n- replacement: `{after}`\n- why: …")
    ok = score >= float(minimum) and not unexplained
    print(f"{target}: mutation score {score:.2f}% (target {minimum}%): {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
