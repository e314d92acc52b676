#!/usr/bin/env bash
# Mutation testing (Stryker.NET, pinned in .config/dotnet-tools.json) as a documented gate:
#   bash build/mutation/run.sh profile     # the username profile (PRECIS UsernameCaseMapped)
#   bash build/mutation/run.sh requests    # the server's request rules and error writer
#   bash build/mutation/run.sh all
# Prints killed / survived / timeout / no coverage and the score per target, lists each survivor
# and says which of them build/mutation/equivalent-mutants.md does not explain. Exits non-zero
# when a score is under its target or a survivor is unexplained. See docs/mutation-testing.md.
set -euo pipefail
{
cd "$(dirname "$0")/../.."
root=$PWD

# The targets, in one place: files to mutate (globs, relative to the repository), the tests that
# judge them (a dotnet test --filter expression), the score to reach. Retarget here.
target_files() {
  case $1 in
    profile) echo "src/Shared/Precis/UsernameCaseMapped.cs" ;;
    requests) echo "src/Shared/ContractRules/RequestRules.cs src/Server/Endpoints/RequestBinder.cs src/Server/Endpoints/RequestBodyReader.cs src/Server/Errors/ErrorResponses.cs" ;;
  esac
}
target_tests() {
  case $1 in
    profile) echo "FullyQualifiedName~Customers.Server.Tests.Usernames.UsernameProfile" ;;
    # In-process suites that read what the rules answer (a mutant is switched on inside the test
    # host, never in a child process). Suites that only pass through the rules would multiply the
    # run's time. IdempotencyTests reads the Idempotency-Key fingerprint that RequestBinder makes;
    # RequestRulesTableTests calls the shared rules with rows the contract does not have yet.
    requests) echo "FullyQualifiedName~Customers.Server.Tests.RequestValidationTests|FullyQualifiedName~Customers.Server.Tests.Usernames.RequestRuleTests|FullyQualifiedName~Customers.Server.Tests.RoutingTests|FullyQualifiedName~Customers.Server.Tests.RolesTests|FullyQualifiedName~Customers.Server.Tests.IdempotencyTests|FullyQualifiedName~Customers.Server.Tests.ContractRules.RequestRulesTableTests" ;;
  esac
}
target_score() {
  case $1 in
    profile) echo 90 ;;
    requests) echo 85 ;;
  esac
}
test_project=tests/Customers.Server.Tests
source_project=Customers.Server.csproj

case ${1:-} in
  profile | requests) targets=("$1") ;;
  all) targets=(profile requests) ;;
  *) echo "usage: bash build/mutation/run.sh profile|requests|all" >&2; exit 2 ;;
esac

dotnet tool restore >/dev/null
# Stryker's project analysis needs the generated contract code, which only a real build writes.
echo "== build $test_project (Release)"
nice -n 10 dotnet build "$test_project" -c Release -nologo -v:q >/dev/null || { echo "the build failed"; exit 1; }
status=0
for target in "${targets[@]}"; do
  out="$root/StrykerOutput/$target"
  rm -rf "$out" "$out.log"
  mkdir -p "$out"
  mutate=()
  for file in $(target_files "$target"); do
    [ -f "$file" ] || { echo "build/mutation/run.sh: $file (target $target) does not exist; retarget the list" >&2; exit 2; }
    mutate+=(--mutate "**/$(basename "$(dirname "$file")")/$(basename "$file")")
  done
  echo "== mutation testing: $target ($(target_files "$target" | wc -w) files)"
  started=$(date +%s)
  (cd "$test_project" && nice -n 10 dotnet dotnet-stryker --project "$source_project" "${mutate[@]}" \
    --test-case-filter "$(target_tests "$target")" --configuration Release --concurrency "${STRYKER_CONCURRENCY:-1}" \
    --reporter Progress --reporter Json --reporter Html --output "$out" --skip-version-check) > "$out.log" 2>&1 || {
    tail -40 "$out.log"; echo "Stryker failed on target $target (log: $out.log)"; status=1; continue; }
  seconds=$(( $(date +%s) - started ))
  python3 build/mutation/score.py "$out/reports/mutation-report.json" "$target" "$(target_score "$target")" \
    build/mutation/equivalent-mutants.md "$seconds" "$root" || status=1
done
exit $status
}
