#!/usr/bin/env bash
# CI's release rule for the contract: compares openapi/customers-v4.yaml with the contract that the
# newest released package version shipped with (openapi/released/customers-v4-<version>.yaml, which
# build/release.sh writes) and fails when the package version (VersionPrefix in
# Directory.Build.props) is not raised enough for what changed:
#   a breaking change      needs a new major version (while the major is 0, a new minor: 0.y is for
#                          initial development, as SemVer item 4 and Cargo read it)
#   a non-breaking change  needs at least a new minor version
#   anything else          needs nothing (a release of it takes a patch)
# Usage: bash build/contract-diff/check-release.sh [--released DIR] [--version X.Y.Z] [--contract FILE]
#   (the options exist for check-cases.sh; CI runs it without any)
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
released_dir=$repo/openapi/released
contract=$repo/openapi/customers-v4.yaml
version=$(grep -oP '(?<=<VersionPrefix>)[0-9.]+(?=</VersionPrefix>)' "$repo/Directory.Build.props")
while [ $# -gt 0 ]; do
  case $1 in
    --released) released_dir=$2; shift 2 ;;
    --version) version=$2; shift 2 ;;
    --contract) contract=$2; shift 2 ;;
    *) echo "usage: $0 [--released DIR] [--version X.Y.Z] [--contract FILE]" >&2; exit 2 ;;
  esac
done
released=$(ls "$released_dir"/customers-v4-*.yaml 2>/dev/null | sort -V | tail -n 1)
if [ -z "$released" ]; then
  echo "No released contract in $released_dir: run build/release.sh <version> when the first version ships."
  exit 1
fi
was=$(basename "$released" .yaml); was=${was#customers-v4-}
IFS=. read -r was_major was_minor _ <<<"$was"
IFS=. read -r major minor _ <<<"$version"

rc=0; out=$(bash "$(dirname "$0")/check.sh" "$released" "$contract" 2>&1) || rc=$?
verdict=$(tail -n 1 <<<"$out"); verdict=${verdict#contract-diff: }
[ $rc -le 1 ] || { printf '%s\n' "$out"; exit 2; }
new_major() { [ "$major" -gt "$was_major" ] || { [ "$was_major" = 0 ] && [ "$major" = 0 ] && [ "$minor" -gt "$was_minor" ]; }; }
new_minor() { [ "$major" -gt "$was_major" ] || { [ "$major" = "$was_major" ] && [ "$minor" -gt "$was_minor" ]; }; }
case $verdict in
  breaking) need="a new major version (while the major is 0, a new minor)" ; new_major && ok=1 || ok=0 ;;
  non-breaking) need="at least a new minor version" ; new_minor && ok=1 || ok=0 ;;
  *) need="no new version"; ok=1 ;;
esac
echo "contract since $was: $verdict; package version $version; $need needed"
if [ $ok = 0 ]; then
  printf '%s\n' "$out" | sed 's/^/    /'
  echo "Raise VersionPrefix in Directory.Build.props (see docs/changing-the-contract.md)."
  exit 1
fi
