#!/usr/bin/env bash
# Proves that each project lint rule is live: a copy of the contract broken for that rule must make
# it fire. All copies are linted in one Spectral run. Exits non-zero if any rule does not fire.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Each copy is named after the rule it must trip; each edit replaces the first occurrence only.
python3 - "$here/../../openapi/customers-v4.yaml" "$work" <<'PY' || exit 1
import sys
src = open(sys.argv[1]).read()
def broken(rule, old, new):
    if old not in src:
        sys.exit(f"FAIL {rule}: the breaking edit does not apply to the contract any more")
    open(f"{sys.argv[2]}/{rule}.yaml", "w").write(src.replace(old, new, 1))
broken("operation-has-operation-id", "      operationId: listCredentials\n", "")
broken("operation-has-tag", "      tags: [Customer credentials]\n", "")
broken("request-body-has-example", "            example:\n              username:", "            x-example:\n              username:")
broken("response-body-has-example", "              example:\n                id: 123e4567", "              x-example:\n                id: 123e4567")
broken("operation-documents-errors", "        '503':\n          $ref: '#/components/responses/ServiceUnavailable'\n", "")
broken("error-responses-are-shared", "        '401':\n          $ref: '#/components/responses/Unauthorized'",
       "        '401':\n          description: Unauthorized, declared inline")
broken("error-response-has-body", "$ref: '#/components/responses/ServiceUnavailable'", "$ref: '#/components/responses/MethodNotAllowed'")
broken("error-response-uses-error-schema", "$ref: '#/components/schemas/ErrorResponse'", "$ref: '#/components/schemas/Customer'")
broken("method-not-allowed-has-no-body", "    MethodNotAllowed:\n",
       "    MethodNotAllowed:\n      content:\n        text/plain:\n          schema: {type: string}\n          example: GET, POST\n")
broken("error-codes-are-data", "  - code: INVALID_JSON\n    status: 400\n", "  - code: INVALID_JSON\n    status: '400'\n")
broken("responses-carry-trace-id", "          description: Customer created\n          headers:\n            x-trace-id:\n",
       "          description: Customer created\n          headers:\n            x-request-id:\n")
PY

findings=$(bash "$here/lint.sh" --format text "$work"/*.yaml 2>&1)
failed=0
for copy in "$work"/*.yaml; do
  rule=$(basename "$copy" .yaml)
  if grep -q "^$copy:[0-9]*:[0-9]* [a-z]* $rule " <<<"$findings"; then
    echo "ok   $rule fires"
  else
    echo "FAIL $rule does not fire"; failed=1
  fi
done
[ $failed = 0 ] || printf 'Spectral said:\n%s\n' "$findings"
exit $failed
