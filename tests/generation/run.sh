#!/usr/bin/env bash
# Checks the build-time generation the way a developer meets it, on a throwaway copy of the
# repository (tracked files only):
#   - a no-op build does not run NSwag again; a changed template or contract does;
#   - renaming a property in the contract breaks the build of the server and of the client;
#   - a broken contract fails the build with NSwag's message naming the file.
# Prints one line per check ("PASS name" / "FAIL name") and, last, "N passed, N failed".
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; sed 's/^/    /' "$2" | tail -20; failed=$((failed + 1)); }

copy_repo() {
  rm -rf "$work/repo" && mkdir -p "$work/repo"
  (cd "$repo" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$work/repo")
}

build() { # project, log; returns dotnet's exit code
  dotnet build "$work/repo/$1" -nologo -v:n -p:TreatWarningsAsErrors=true >"$2" 2>&1
}

copy_repo
log="$work/first.log"
if build src/Server/Customers.Server.csproj "$log"; then
  build src/Server/Customers.Server.csproj "$work/second.log"
  if grep -q 'Skipping target "GenerateContractCode" because all output files are up-to-date' "$work/second.log"; then
    pass "a no-op build does not run NSwag again"
  else
    fail "a no-op build does not run NSwag again" "$work/second.log"
  fi
  touch "$work/repo/build/templates/Controller.liquid"
  build src/Server/Customers.Server.csproj "$work/third.log"
  if grep -q 'dotnet-nswag.dll" run' "$work/third.log"; then
    pass "a changed template regenerates"
  else
    fail "a changed template regenerates" "$work/third.log"
  fi
else
  fail "the copied repository builds" "$log"
fi

# Rename username -> login in the contract: both sides must stop compiling until the code follows.
sed -i 's/\busername\b/login/g' "$work/repo/openapi/customers-v4.yaml"
for side in Server Client; do
  log="$work/rename-$side.log"
  if build "src/$side/Customers.$side.csproj" "$log"; then
    fail "renaming a contract property breaks the $side build" "$log"
  elif grep -q "does not contain a definition for 'Username'" "$log"; then
    pass "renaming a contract property breaks the $side build"
  else
    fail "renaming a contract property breaks the $side build (for the rename, not another reason)" "$log"
  fi
done

copy_repo
printf 'paths:\n  - this is: [not valid\n' >>"$work/repo/openapi/customers-v4.yaml"
log="$work/broken.log"
if build src/Client/Customers.Client.csproj "$log"; then
  fail "a broken contract fails the build" "$log"
elif grep -q "customers-v4.yaml.*error.*NSwag could not generate client code" "$log"; then
  pass "a broken contract fails the build with NSwag's message"
else
  fail "a broken contract fails the build with NSwag's message" "$log"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
