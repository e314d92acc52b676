#!/usr/bin/env bash
# The whole test suite, as the README's test command and CI run it:
#   builds everything in Release (warnings are errors), publishes the service as Native AOT, runs
#   every xunit project (the scenario suite and the process suites also against the native
#   executable), packs the client
#   and runs what consumes the package (consumer tests, sample, trimmed publish), checks that the
#   tests made the service answer every documented status, lints the contract (Spectral, Redocly),
#   checks it for breaking changes against the released one, then runs the
#   generation checks, and ends with one line "N passed, N failed" totalling all of them.
# Exits non-zero when anything failed or did not run.
set -uo pipefail
cd "$(dirname "$0")/.."
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
passed=0
failed=0
skipped=0
# Every suite that talks to the real service records the (operation, status) pairs it saw here;
# the contract coverage suite, run last, reads them.
export CONTRACT_COVERAGE_DIR="$results/contract-coverage"
# What a person may want to look at afterwards (the docs page's screenshot); kept after the run.
export TEST_ARTIFACTS_DIR="$PWD/TestResults/artifacts"
rm -rf "$TEST_ARTIFACTS_DIR"

finish() {
  echo
  [ -d "$TEST_ARTIFACTS_DIR" ] && echo "Test artifacts: $TEST_ARTIFACTS_DIR ($(ls "$TEST_ARTIFACTS_DIR" | tr '\n' ' '))"
  echo "$passed passed, $failed failed, $skipped skipped"
  [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
  exit $?
}

echo "== build (Release)"
if ! dotnet build Customers.slnx -c Release -nologo -v:q; then
  echo "The build failed; no test ran."
  failed=$((failed + 1))
  finish
fi

check() { # name, command...: one counted check
  local name=$1 log
  shift
  log=$(mktemp)
  if "$@" >"$log" 2>&1; then
    echo "PASS $name"
    passed=$((passed + 1))
  else
    echo "FAIL $name"
    tail -30 "$log" | sed 's/^/    /'
    failed=$((failed + 1))
  fi
  rm -f "$log"
}
# What a suite printed that matters: totals, each failed or skipped test with its message (the
# lines between "Error Message:" and "Stack Trace:", at most 20), skip reasons, build errors.
show() {
  awk '/^[[:space:]]+Error Message:/ { message = 1; lines = 0; print; next }
       message && (/^[[:space:]]+Stack Trace:/ || /^[[:space:]]+(Failed|Passed|Skipped) / || ++lines > 20) { message = 0 }
       message { print; next }
       /^[[:space:]]+(Failed|Skipped) |^Total tests|^[[:space:]]+Skip reason|: error / { print }'
}

echo "== the service as Native AOT, what the Dockerfile deploys (docs/native-aot.md)"
# Published once here; the scenario suite (Customers.Client.Testing.Tests, TheNativeService) and
# bench/run.sh --smoke run this executable. A trim or AOT warning is an error (warnings are errors).
native=$(mktemp -d)
trap 'rm -rf "$results" "$native"' EXIT
check "the service publishes as a Native AOT executable (dotnet publish -r linux-$(uname -m | sed 's/x86_64/x64/; s/aarch64/arm64/'))" \
  dotnet publish src/Server -c Release -r "linux-$(uname -m | sed 's/x86_64/x64/; s/aarch64/arm64/')" -nologo -o "$native"
[ -x "$native/Customers.Server" ] && export CUSTOMERS_NATIVE_SERVER="$native/Customers.Server"

echo "== xunit suites"
dotnet test Customers.slnx -c Release --no-build -nologo --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" | show

echo "== the process suites again, against the Native AOT executable"
# The suites that start the service as a process (Processes/ServiceProcess.cs), run a second time
# with the executable the Dockerfile deploys instead of the JIT build: real TLS and mutual TLS,
# the docs page in Chromium, hostile input, SIGKILL durability, shutdown, limits, backups, logs,
# telemetry, PostgreSQL faults. Left out: what measures time or load (soak, rate refill) and the
# long cluster drills (failover, pgBackRest), which the JIT pass covers.
if [ -n "${CUSTOMERS_NATIVE_SERVER:-}" ]; then
  native_suites="MutualTlsGatewayTests DocsPageTests HostileInputTests LogRedactionTests TelemetryTests ShutdownTests Reliability.LimitsTests RefusalLogTests DurabilityTests SqliteBackupTests FaultLoggingTests FrozenServerProcessTests"
  filter=$(printf '|FullyQualifiedName~%s' $native_suites)
  CUSTOMERS_SERVICE_EXECUTABLE=$CUSTOMERS_NATIVE_SERVER dotnet test tests/Customers.Server.Tests -c Release --no-build -nologo --filter "${filter#|}" \
    --logger "trx;LogFileName=native-process-suites.trx" --logger "console;verbosity=normal" --results-directory "$results" | show
else
  echo "FAIL the Native AOT publish failed: the process suites did not run against it"
  failed=$((failed + 1))
fi

if [ -s "$TEST_ARTIFACTS_DIR/figures.txt" ]; then
  echo "== figures of the reliability suites"
  cat "$TEST_ARTIFACTS_DIR/figures.txt"
fi

echo "== the packed client, consumed as client teams consume it"
check "dotnet pack writes Customers.Client to artifacts" dotnet pack src/Client -c Release --no-build -nologo
check "dotnet pack writes Customers.Client.Testing to artifacts" dotnet pack src/Client.Testing -c Release --no-build -nologo
# Each consumer restores into its own packages folder: drop it, so the package just packed is used.
rm -rf tests/Customers.Client.Consumer.Tests/obj/packages samples/Customers.Client.Sample/obj/packages samples/Customers.Client.Sample.Tests/obj/packages tests/Customers.Client.TrimSmoke/obj/packages
dotnet test tests/Customers.Client.Consumer.Tests -c Release -nologo --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" | show
check "the sample builds against the package" dotnet build samples/Customers.Client.Sample -c Release -nologo
dotnet test samples/Customers.Client.Sample.Tests -c Release -nologo --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" | show
smoke=$(mktemp -d)
check "a trimmed, self-contained consumer publishes with zero warnings" dotnet publish tests/Customers.Client.TrimSmoke -c Release -nologo -o "$smoke"
check "the trimmed consumer runs" "$smoke/Customers.Client.TrimSmoke"
rm -rf "$smoke"

echo "== the contract: status coverage and lint"
dotnet test tests/Customers.ContractCoverage.Tests -c Release -nologo --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" | show
check "Spectral finds nothing in the contract" bash build/spectral/lint.sh
check "each project lint rule fires on a contract that breaks it" bash build/spectral/check-rules.sh
check "Redocly's recommended ruleset finds nothing in the contract" bash build/redocly/lint.sh
check "the generated code is the reviewed snapshot in build/snapshots" bash build/snapshots.sh
check "packages come from where nuget.config says, and every lock file holds" bash build/supply-chain/check.sh
check "the package version is raised as far as the contract changed since its last release" bash build/contract-diff/check-release.sh
check "the breaking-change check tells each kind of contract change apart, and the version rule follows it" bash build/contract-diff/check-cases.sh

projects=$(find tests samples -name '*.Tests.csproj' | wc -l)
reports=$(find "$results" -name '*.trx' | wc -l)
if [ "$reports" -lt "$projects" ]; then
  echo "Only $reports of $projects test projects reported results: a test host crashed or did not start."
  failed=$((failed + projects - reports))
fi
for report in "$results"/*.trx; do
  [ -e "$report" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$report")
  count() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  passed=$((passed + $(count passed)))
  failed=$((failed + $(count failed) + $(count error) + $(count timeout) + $(count aborted)))
  skipped=$((skipped + $(count notExecuted)))
done

echo "== benchmarks"
check "the benchmark script runs end to end (bench/run.sh --smoke: ~10 s of load, no timing asserted)" bash bench/run.sh --smoke
check "the noisy-neighbour benchmark runs end to end (bench/noisy-neighbour.sh --smoke: no timing asserted)" bash bench/noisy-neighbour.sh --smoke
check "the secure-delete benchmark runs end to end (bench/secure-delete.sh --smoke: no timing asserted)" bash bench/secure-delete.sh --smoke

echo "== generation checks"
generation=$(bash tests/generation/run.sh)
echo "$generation"
summary=$(echo "$generation" | tail -n 1)
passed=$((passed + $(echo "$summary" | grep -o '^[0-9]*')))
failed=$((failed + $(echo "$summary" | sed -E 's/.* ([0-9]+) failed.*/\1/')))

finish
