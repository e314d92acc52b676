#!/usr/bin/env bash
# Proves the project's lint rules are live: each broken copy of the contract must make its rule fire.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
contract="$here/../../openapi/customers-v4.yaml"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0

expect() { # rule, python expression that breaks the YAML text `s`
  local rule=$1 broken="$work/$1.yaml"
  python3 -c "import sys; s=open(sys.argv[1]).read(); s=$2; open(sys.argv[2],'w').write(s)" "$contract" "$broken"
  if cmp -s "$contract" "$broken"; then
    echo "FAIL $rule: the breaking edit did not apply"; failed=1; return
  fi
  local findings
  findings=$(bash "$here/lint.sh" "$broken" 2>&1)
  if grep -q " $rule " <<<"$findings"; then
    echo "ok   $rule fires"
  else
    echo "FAIL $rule did not fire"; failed=1
  fi
}

expect operation-has-tag "s.replace('tags: [Customer credentials]', 'tags: []', 1)"
expect response-body-has-example "s.replace('''                \$ref: '#/components/schemas/CredentialCreated'
              example:''', '''                \$ref: '#/components/schemas/CredentialCreated'
              x-example:''', 1)"
expect request-body-has-example "s.replace('''              \$ref: '#/components/schemas/Credential'
            example:''', '''              \$ref: '#/components/schemas/Credential'
            x-example:''', 1)"
expect operation-documents-errors "s.replace(\"\"\"        '503':
          \$ref: '#/components/responses/ServiceUnavailable'
\"\"\", '', 1)"
expect error-response-uses-error-schema "s.replace(\"\$ref: '#/components/schemas/ErrorResponse'\", \"\$ref: '#/components/schemas/Customer'\", 1)"
expect method-not-allowed-has-no-body "s.replace('''    MethodNotAllowed:
      description: Method not allowed. No body; the Allow header lists the methods of the path.''', '''    MethodNotAllowed:
      content:
        text/plain:
          schema: {type: string}
      description: Method not allowed. No body; the Allow header lists the methods of the path.''', 1)"
expect error-responses-are-shared "s.replace(\"\"\"        '401':
          \$ref: '#/components/responses/Unauthorized'\"\"\", \"\"\"        '401':
          description: Unauthorized, declared inline\"\"\", 1)"
exit $failed
