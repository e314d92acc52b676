#!/usr/bin/env bash
# Lints the contract with Redocly CLI (pinned in package.json and package-lock.json) and the config
# redocly.yaml (the `recommended` ruleset). Any finding, error or warning, fails: exit 0 means zero
# findings.
# Usage: bash build/redocly/lint.sh [documents]
#   With no arguments it lints openapi/customers-v4.yaml.
set -euo pipefail
args=()
for a in "$@"; do [ -e "$a" ] && a=$(realpath "$a"); args+=("$a"); done
cd "$(dirname "$0")"
[ ${#args[@]} -gt 0 ] || args=(../../openapi/customers-v4.yaml)
source ../node-tool.sh
install_node_tool
# Nothing leaves the machine at lint time: no usage data (telemetry, also `telemetry: off` in
# redocly.yaml) and no look-up of the latest version on the npm registry (update notice).
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
# --no: never fetch a package named "redocly" if the local install is somehow missing.
# --lint-config=error: a mistake in redocly.yaml fails instead of being a warning.
redocly_lint() { npx --no --loglevel=error redocly lint "${args[@]}" --config redocly.yaml --lint-config=error "$@"; }
# Redocly exits 0 on warnings, so the verdict comes from the JSON totals: one JSON object per
# document, printed one after another.
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
if redocly_lint --format=json >"$out" 2>"$err" && node -e '
  const text = require("fs").readFileSync(process.argv[1], "utf8").trim();
  const reports = text ? text.split(/(?<=^\})\s*(?=^\{)/m).map(JSON.parse) : [];
  const findings = reports.reduce((n, r) => n + r.totals.errors + r.totals.warnings, 0);
  process.exit(reports.length > 0 && findings === 0 ? 0 : 1);' "$out"; then
  cat "$err" >&2
  exit 0
fi
# Show the findings (or the config or file problem) the readable way, then fail.
redocly_lint --format=codeframe --max-problems=1000 || true
exit 1
