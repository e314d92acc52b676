#!/usr/bin/env bash
# Lints the contract with Spectral (pinned in package.json and package-lock.json) and the ruleset
# openapi/.spectral.yaml. Any finding, error or warning, fails: exit 0 means zero findings.
# Usage: bash build/spectral/lint.sh [spectral lint options and documents]
#   With no arguments it lints openapi/customers-v4.yaml; check-rules.sh passes its broken copies.
set -euo pipefail
args=()
for a in "$@"; do [ -e "$a" ] && a=$(realpath "$a"); args+=("$a"); done
cd "$(dirname "$0")"
[ ${#args[@]} -gt 0 ] || args=(../../openapi/customers-v4.yaml)
# Install (again) when node_modules is missing or older than the lock file. npm writes
# node_modules/.package-lock.json last, so an interrupted install is redone too.
if [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
# --no: never fetch a package named "spectral" if the local install is somehow missing.
npx --no --loglevel=error spectral lint "${args[@]}" --ruleset ../../openapi/.spectral.yaml --fail-severity=warn
