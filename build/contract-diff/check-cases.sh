#!/usr/bin/env bash
# Proves that check.sh tells breaking changes from the others: copies of the contract, each changed
# in one way, are compared with the contract itself, and each must get its verdict (the last line
# of check.sh) and exit code. Exits non-zero if any does not.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
contract="$here/../../openapi/customers-v4.yaml"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Each copy is named <verdict>.<what changed>; each edit replaces the first occurrence only.
python3 - "$contract" "$work" <<'PY' || exit 1
import sys
src = open(sys.argv[1]).read()
def changed(name, *edits):
    s = src
    for old, new in edits:
        if old not in s:
            sys.exit(f"FAIL {name}: the edit does not apply to the contract any more")
        s = s.replace(old, new, 1)
    open(f"{sys.argv[2]}/{name}.yaml", "w").write(s)
credential_props = "      required: [username]\n      properties:\n"
display_name = "        display_name:\n          type: string\n          description: A name to show\n"
changed("breaking.response-property-removed",
        ("    CredentialCreated:\n      type: object\n      additionalProperties: false\n      required: [id, username, created_at]",
         "    CredentialCreated:\n      type: object\n      additionalProperties: false\n      required: [id, username]"),
        ("          description: Username, as it was sent\n        created_at:\n          type: string\n          format: date-time\n"
         "          description: When the credential was added (UTC)\n    CredentialResponse:",
         "          description: Username, as it was sent\n    CredentialResponse:"))
changed("breaking.new-required-request-field",
        (credential_props, "      required: [username, display_name]\n      properties:\n" + display_name))
import re
narrowed, n = re.subn(r"(\n          maxLength: 82\n          pattern: )'[^\n]*'", r"\1'^[a-z@.]+$'", src, count=1)
if n != 1:
    sys.exit("FAIL breaking.field-pattern-narrowed: the username pattern is not where it was")
open(f"{sys.argv[2]}/breaking.field-pattern-narrowed.yaml", "w").write(narrowed)
changed("breaking.parameter-pattern-narrowed",
        ("pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$'", "pattern: '^[a-z0-9]+$'"))
# The 404 of deleteCredential, the last operation: the document's last 404 entry.
not_found = "        '404':\n          $ref: '#/components/responses/NotFound'\n"
i = src.rfind(not_found)
if i < 0 or src.find("operationId: deleteCredential") > i:
    sys.exit("FAIL breaking.response-status-removed: deleteCredential is not the last operation any more")
open(f"{sys.argv[2]}/breaking.response-status-removed.yaml", "w").write(
    src[:i] + src[i + len(not_found):])
i, j = src.find("    get:\n      operationId: listCredentials"), src.find("  /v4/orgs/{org_id}/customers/{customer_id}/credentials/{credential_id}:")
if not 0 < i < j:
    sys.exit("FAIL breaking.operation-removed: listCredentials is not where it was")
open(f"{sys.argv[2]}/breaking.operation-removed.yaml", "w").write(src[:i] + src[j:])
changed("breaking.request-field-removed",  # additionalProperties: false: a client still sending it gets 400
        ("      properties:\n        external_id:\n", "      properties:\n        former_external_id:\n"))
changed("non-breaking.new-optional-request-field", (credential_props, credential_props + display_name))
changed("non-breaking.new-operation",
        ("  /v4/orgs/{org_id}/customers/{customer_id}/credentials/{credential_id}:\n",
         "  /v4/orgs/{org_id}/customers/{customer_id}/credentials/{credential_id}:\n"
         "    get:\n      operationId: getCredential\n      summary: Returns a credential\n      parameters:\n"
         "        - $ref: '#/components/parameters/OrgId'\n"
         "        - $ref: '#/components/parameters/CustomerId'\n        - $ref: '#/components/parameters/CredentialId'\n"
         "      responses:\n        '200':\n          description: Credential returned\n          content:\n"
         "            application/json:\n              schema:\n                $ref: '#/components/schemas/CredentialResponse'\n"))
changed("unclassified.descriptions-only",
        ("      description: organization name\n", "      description: The organization's name\n"),
        ("          description: When the credential was added (UTC)\n", "          description: When the credential was created (UTC)\n"))
changed("none.identical")
PY

failed=0
for copy in "$work"/*.yaml; do
  name=$(basename "$copy" .yaml); want=${name%%.*}
  out=$(bash "$here/check.sh" "$contract" "$copy" 2>&1); rc=$?
  got=$(tail -n 1 <<<"$out"); got=${got#contract-diff: }
  [ "$want" = breaking ] && want_rc=1 || want_rc=0
  if [ "$got" = "$want" ] && [ $rc = $want_rc ]; then
    echo "ok   $name"
  else
    echo "FAIL $name: got '$got' (exit $rc)"; printf '%s\n' "$out" | sed 's/^/     /'; failed=1
  fi
done

# The release rule (check-release.sh): what each kind of change demands of the package version.
mkdir -p "$work/released" "$work/released0"
cp "$contract" "$work/released/customers-v4-1.4.0.yaml"
cp "$contract" "$work/released0/customers-v4-0.3.0.yaml"
release_case() { # released dir, copy, version, expected exit code
  local rc=0
  out=$(bash "$here/check-release.sh" --released "$1" --contract "$work/$2.yaml" --version "$3" 2>&1) || rc=$?
  if [ $rc = "$4" ]; then
    echo "ok   $2 with version $3 (released $(ls "$1" | grep -oE '[0-9]+\.[0-9]+\.[0-9]+')): exit $rc"
  else
    echo "FAIL $2 with version $3: exit $rc, expected $4"; printf '%s\n' "$out" | sed 's/^/     /'; failed=1
  fi
}
release_case "$work/released" breaking.new-required-request-field 1.5.0 1
release_case "$work/released" breaking.new-required-request-field 2.0.0 0
release_case "$work/released" non-breaking.new-optional-request-field 1.4.0 1
release_case "$work/released" non-breaking.new-optional-request-field 1.4.1 1
release_case "$work/released" non-breaking.new-optional-request-field 1.5.0 0
release_case "$work/released" unclassified.descriptions-only 1.4.0 0
release_case "$work/released0" breaking.operation-removed 0.3.1 1
release_case "$work/released0" breaking.operation-removed 0.4.0 0
exit $failed
