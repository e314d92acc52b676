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
source ../node-tool.sh
install_node_tool
# --no: never fetch a package named "spectral" if the local install is somehow missing.
npx --no --loglevel=error spectral lint "${args[@]}" --ruleset ../../openapi/.spectral.yaml --fail-severity=warn
