#!/usr/bin/env bash
# Lints the contract with Spectral (pinned in package.json) and the ruleset in openapi/.spectral.yaml.
# Any finding, warning or error, fails. Usage: bash build/spectral/lint.sh [contract.yaml]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
contract=$(realpath "${1:-$root/openapi/customers-v4.yaml}")
if [ ! -x "$here/node_modules/.bin/spectral" ] || [ "$here/package-lock.json" -nt "$here/node_modules" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
"$here/node_modules/.bin/spectral" lint "$contract" --ruleset "$root/openapi/.spectral.yaml" --fail-severity=warn
