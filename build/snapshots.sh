#!/usr/bin/env bash
# The code generated from the contract at build time (never compiled from here): a tracked copy in
# build/snapshots, so that a change of the contract, a template or the generator shows up in
# review as a diff of generated C#. CI fails when the copy is stale.
# Usage: bash build/snapshots.sh            compare the Release build's output with the copies
#        bash build/snapshots.sh --update   copy the Release build's output (build first), then review and commit
set -euo pipefail
cd "$(dirname "$0")/.."
generated=(
  src/Server/obj/Release/net10.0/contract/server.g.cs
  src/Server/obj/Release/net10.0/contract/vocabulary.server.g.cs
  src/Client/obj/Release/net10.0/contract/client.g.cs
  src/Client/obj/Release/net10.0/contract/vocabulary.client.g.cs
  src/Client.Testing/obj/Release/net10.0/contract/vocabulary.fake.g.cs
)
stale=0
for file in "${generated[@]}"; do
  [ -f "$file" ] || { echo "$file is missing: build in Release first (dotnet build Customers.slnx -c Release)." >&2; exit 2; }
  project=$(echo "$file" | cut -d/ -f2)
  snapshot="build/snapshots/$project.$(basename "$file" .g.cs).cs.txt"
  if [ "${1:-}" = --update ]; then
    mkdir -p build/snapshots && cp "$file" "$snapshot"
  elif ! diff -u "$snapshot" "$file"; then
    stale=1
  fi
done
if [ $stale = 1 ]; then
  echo "The generated code differs from build/snapshots (diff above): if the change is intended, run bash build/snapshots.sh --update and commit the snapshots with it."
  exit 1
fi
