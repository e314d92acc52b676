#!/usr/bin/env bash
# The release step, run on the commit that ships a package version:
#   - sets VersionPrefix in Directory.Build.props to <version>;
#   - keeps the contract this version ships with as openapi/released/customers-v4-<version>.yaml,
#     which CI compares later contracts with (build/contract-diff/check-release.sh);
#   - moves the client's unshipped public API into PublicAPI.Shipped.txt.
# Then commit, tag v<version>, and pack (dotnet pack -c Release).
# Usage: bash build/release.sh <major.minor.patch>
set -euo pipefail
cd "$(dirname "$0")/.."
version=${1:-}
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "usage: $0 <major.minor.patch>" >&2; exit 2; }
[ ! -e "openapi/released/customers-v4-$version.yaml" ] || { echo "$version is released already." >&2; exit 1; }
sed -i -E "s#<VersionPrefix>[0-9.]+</VersionPrefix>#<VersionPrefix>$version</VersionPrefix>#" Directory.Build.props
mkdir -p openapi/released
cp openapi/customers-v4.yaml "openapi/released/customers-v4-$version.yaml"
for api in src/*/PublicAPI; do
  { cat "$api/PublicAPI.Shipped.txt"; grep -v '^#nullable enable$' "$api/PublicAPI.Unshipped.txt" || true; } | awk '!seen[$0]++' >"$api/shipped.tmp"
  mv "$api/shipped.tmp" "$api/PublicAPI.Shipped.txt"
  printf '#nullable enable\n' >"$api/PublicAPI.Unshipped.txt"
done
bash build/contract-diff/check-release.sh
echo "Released $version: commit, tag v$version, pack."
