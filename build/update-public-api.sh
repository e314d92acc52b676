#!/usr/bin/env bash
# Rewrites PublicAPI.Unshipped.txt of each package (src/*/PublicAPI) from what the build reports as
# new public API (RS0016) or removed (RS0017). Run it after an intended API change, review the diff,
# commit. On release, build/release.sh moves the Unshipped lines into PublicAPI.Shipped.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
for api in src/*/PublicAPI; do
  project=$(dirname "$api")
  unshipped=$api/PublicAPI.Unshipped.txt
  printf '#nullable enable\n' >"$unshipped"
  log=$(mktemp)
  dotnet build "$project" -nologo -p:TreatWarningsAsErrors=false -t:Rebuild >"$log" 2>&1 || true
  {
    printf '#nullable enable\n'
    grep -F "$project/" "$log" | grep -oE "RS0016: Symbol '[^']+'" | sed -E "s/^RS0016: Symbol '(.*)'$/\1/" | sort -u
  } >"$unshipped"
  removed=$(grep -F "$project/" "$log" | grep -oE "RS0017: Symbol '[^']+'" | sort -u || true)
  [ -n "$removed" ] && printf 'Removed from the public API of %s (delete them from PublicAPI.Shipped.txt with a *REMOVED* marker):\n%s\n' "$project" "$removed"
  rm -f "$log"
  echo "$(($(wc -l <"$unshipped") - 1)) entries in $unshipped"
done
