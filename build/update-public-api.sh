#!/usr/bin/env bash
# Rewrites src/Client/PublicAPI/PublicAPI.Unshipped.txt from what the build reports as new public
# API (RS0016) or removed (RS0017). Run it after an intended API change, review the diff, commit.
# On release, move the Unshipped lines into PublicAPI.Shipped.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
unshipped=src/Client/PublicAPI/PublicAPI.Unshipped.txt
printf '#nullable enable\n' >"$unshipped"
log=$(mktemp)
dotnet build src/Client -nologo -p:TreatWarningsAsErrors=false -t:Rebuild >"$log" 2>&1 || true
{
  printf '#nullable enable\n'
  grep -oE "RS0016: Symbol '[^']+'" "$log" | sed -E "s/^RS0016: Symbol '(.*)'$/\1/" | sort -u
} >"$unshipped"
removed=$(grep -oE "RS0017: Symbol '[^']+'" "$log" | sort -u || true)
[ -n "$removed" ] && printf 'Removed from the public API (delete them from PublicAPI.Shipped.txt with a *REMOVED* marker):\n%s\n' "$removed"
rm -f "$log"
echo "$(($(wc -l <"$unshipped") - 1)) entries in $unshipped"
