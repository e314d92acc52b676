#!/usr/bin/env bash
# The service's benchmarks, every figure a ratio against a baseline measured in the same run.
#   bash bench/run.sh           full run (< 10 min): writes the figures into bench/RESULTS.md
#   bash bench/run.sh --smoke   ~10 s of load on a small seed, to prove the script works (CI); writes
#                               nothing to the repository and asserts no timing
# The full run ends with bench/noisy-neighbour.sh (fair share between organizations) and
# bench/secure-delete.sh (what erasing for real costs on SQLite).
# Needs wrk and sqlite3 (Debian packages wrk, sqlite3); uses PostgreSQL's binaries (package
# postgresql) when installed.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
mode=full
[ "${1:-}" = "--smoke" ] && mode=smoke

if [ "$mode" = full ]; then
  customers=10000 per_customer=3 duration=10 warmup=3 rounds=3 long_requests=1000000 client=full coldstarts=5
else
  customers=100 per_customer=3 duration=1 warmup=0 rounds=1 long_requests=0 client=quick coldstarts=1
fi

command -v wrk >/dev/null || { echo "wrk is not installed (Debian package wrk)." >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "sqlite3 is not installed (Debian package sqlite3)." >&2; exit 1; }
work=$(mktemp -d)
chmod 755 "$work" # the PostgreSQL cluster in it runs as the postgres user
pids=()
pg_data=""
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "$pg_data" ]; then pg_tool pg_ctl -D "$pg_data" -m immediate -w stop >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
. "$repo/bench/common.sh"

log "build (Release)"
for project in src/Server bench/Baseline bench/Tool; do
  # Quiet when it builds; the compiler's errors when it does not (they go to stdout).
  out=$(dotnet build "$project" -c Release -nologo -v:q 2>&1) || { printf '%s\n' "$out" | grep -E 'error|rror\(s\)' >&2; exit 1; }
done
server_dll=$repo/src/Server/bin/Release/net10.0/Customers.Server.dll
# The service as deployed: the Native AOT executable the Dockerfile's publish makes (tests/run.sh
# hands over the one it published). Every service figure is of it; the JIT build only for contrast.
native=${CUSTOMERS_NATIVE_SERVER:-}
if [ -z "$native" ] || [ ! -x "$native" ]; then
  log "publish the service (Native AOT)"
  out=$(dotnet publish src/Server -c Release -r "linux-$(uname -m | sed 's/x86_64/x64/; s/aarch64/arm64/')" -o "$work/publish" -nologo -v:q 2>&1) \
    || { printf '%s\n' "$out" | grep -E 'error' >&2; exit 1; }
  native=$work/publish/Customers.Server
fi
baseline_dll=$repo/bench/Baseline/bin/Release/net10.0/Customers.Bench.Baseline.dll
tool=(dotnet "$repo/bench/Tool/bin/Release/net10.0/Customers.Bench.Tool.dll")

wait_ok() { # url
  for _ in $(seq 1 600); do
    curl -fs -o /dev/null -H 'x-auth-roles: API_KEY' "$1" && return 0
    sleep 0.1
  done
  echo "$1 did not answer 200" >&2
  return 1
}
rss_mb() { awk '/VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$1/status"; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# start <name> <port> <command...>: runs it in the background, remembers its pid as pid_<name>.
start() {
  local name=$1 port=$2
  shift 2
  "$@" >"$work/$name.log" 2>&1 &
  pids+=($!)
  printf -v "pid_$name" '%s' $!
  printf -v "port_$name" '%s' "$port"
}

# What a deployed (non-Development) service must be told before it starts: API_KEY may call every
# operation on every organization, on purpose, at the address the load generators use.
# The organization rate limits are off: these figures are the service's capacity (the limits are
# measured by bench/noisy-neighbour.sh, which the end of this script runs).
deployed=(Authorization__Grants__API_KEY__0='*' Authorization__Orgs__API_KEY__0='*' AllowedHosts=127.0.0.1 "Idempotency__FingerprintKey=$(head -c 32 /dev/urandom | base64)"
  Limits__Organization__ReadsPerSecond=0 Limits__Organization__WritesPerSecond=0)

start_service() { # name, extra environment...
  local name=$1 port
  shift
  port=$(free_port)
  # The create load adds tens of credentials to each customer: without a higher limit, a part of it
  # would be 409 CREDENTIAL_LIMIT_REACHED answered before any write.
  start "$name" "$port" env "${deployed[@]}" "$@" Logging__LogLevel__Default=Warning Storage__MaxCredentialsPerCustomer=1000000 "$native" --urls "http://127.0.0.1:$port"
  wait_ok "http://127.0.0.1:$port/health/ready"
}

pg_tool() { # runs a PostgreSQL binary, as the postgres user under root
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/$1
  shift
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$bin" "$@"; else "$bin" "$@"; fi
}

# --- the targets ------------------------------------------------------------------------------
targets=(sqlite)
pg_variants=()
log "SQLite service, seeding $customers customers with $((customers * per_customer)) credentials"
mkdir -p "$work/sqlite"
start_service sqlite "ConnectionStrings__Sqlite=Data Source=$work/sqlite/customers.db"
"${tool[@]}" seed "http://127.0.0.1:$port_sqlite" "$customers" "$per_customer" "$work/data-sqlite" | tee "$work/seed-sqlite.txt" >&2

# The limit of the embedded path: the same SELECT through Microsoft.Data.Sqlite in a bare minimal
# API, on the service's own file (bench/Baseline).
port=$(free_port)
start sqlbare "$port" dotnet "$baseline_dll" --urls "http://127.0.0.1:$port" --Sqlite "$work/sqlite/customers.db"
wait_ok "http://127.0.0.1:$port_sqlbare/"
# Group commit against one commit per write: the same service and data with the writer committing
# each write on its own, on a consistent copy of the seeded file (two writing processes on one
# file would measure SQLite's lock instead).
mkdir -p "$work/sqlite1"
sqlite3 "$work/sqlite/customers.db" "VACUUM INTO '$work/sqlite1/customers.db'"
start_service sqlite1 "ConnectionStrings__Sqlite=Data Source=$work/sqlite1/customers.db" Storage__SqliteMaxWritesPerCommit=1

if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  log "PostgreSQL (default durability settings), seeding the same"
  pg_root="$work/pg"
  mkdir -p "$pg_root"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$pg_root"
  pg_data="$pg_root/data"
  pg_port=$(free_port)
  pg_tool initdb -D "$pg_data" -U postgres -A trust -E UTF8 >/dev/null
  # max_connections 200: the tuning variants on Npgsql's default pool keep up to 32 connections
  # each, which with the others would pass the default of 100 (and measure refusals).
  pg_tool pg_ctl -D "$pg_data" -l "$pg_root/server.log" -w -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_root -c max_connections=200" start >/dev/null
  pg_connection="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"
  start_service postgres Storage__Provider=Postgres "ConnectionStrings__Postgres=$pg_connection"
  "${tool[@]}" seed "http://127.0.0.1:$port_postgres" "$customers" "$per_customer" "$work/data-postgres" | tee "$work/seed-postgres.txt" >&2
  targets+=(postgres)
  # The limit of this path: the same SELECT through Npgsql in a bare minimal API (bench/Baseline).
  port=$(free_port)
  start pgbare "$port" dotnet "$baseline_dll" --urls "http://127.0.0.1:$port" --Postgres "$pg_connection"
  wait_ok "http://127.0.0.1:$port_pgbare/"
  if [ "$mode" = full ]; then
    # Each tuning change on its own: the service with Npgsql's defaults named in its connection
    # string (the service's own defaults apply only to settings the string does not name), then
    # with one of the changes each. "postgres" above has all of them.
    log "PostgreSQL tuning variants (the same database)"
    start_service pgdefaults Storage__Provider=Postgres "ConnectionStrings__Postgres=$pg_connection;Maximum Pool Size=100;Max Auto Prepare=0;No Reset On Close=false"
    start_service pgpool Storage__Provider=Postgres "ConnectionStrings__Postgres=$pg_connection;Max Auto Prepare=0;No Reset On Close=false"
    start_service pgprepare Storage__Provider=Postgres "ConnectionStrings__Postgres=$pg_connection;Maximum Pool Size=100;No Reset On Close=false"
    start_service pgnoreset Storage__Provider=Postgres "ConnectionStrings__Postgres=$pg_connection;Maximum Pool Size=100;Max Auto Prepare=0"
    pg_variants=(pgdefaults pgpool pgprepare pgnoreset)
  fi
else
  log "PostgreSQL is not installed: its figures are left out"
fi

# The GET body of a seeded customer: the baseline and the WireMock stub answer exactly these bytes.
first_customer=$(head -1 "$work/data-sqlite/customers.txt")
curl -fs -H 'x-auth-roles: API_KEY' "http://127.0.0.1:$port_sqlite/v4/orgs/bench/customers/$first_customer/credentials" >"$work/body.json"
port=$(free_port)
start baseline "$port" dotnet "$baseline_dll" --urls "http://127.0.0.1:$port" --Body "$(cat "$work/body.json")"
wait_ok "http://127.0.0.1:$port_baseline/"
port=$(free_port)
start wiremock "$port" "${tool[@]}" wiremock "$port" "/v4/orgs/bench/customers/*/credentials" "$work/body.json"
wait_ok "http://127.0.0.1:$port_wiremock/v4/orgs/bench/customers/$first_customer/credentials"

# --- load ---------------------------------------------------------------------------------------
# load <target> <scenario> <round> [data-folder]: one wrk run; appends a row to results.tsv.
export BENCH_WRK=$repo/bench/wrk
load() {
  local target=$1 scenario=$2 round=$3 data=${4:-$work/data-sqlite} pid port line ticks_before ticks_after warm=$warmup
  pid=$(eval echo "\$pid_$target")
  port=$(eval echo "\$port_$target")
  export BENCH_DATA=$data BENCH_CREDENTIALS=$data/credentials.txt BENCH_SLICE=0 BENCH_SLICES=1
  local measure=$duration
  if [ "$scenario" = delete ] || [ "$scenario" = mix ]; then
    # Deletes take credentials the load created, never seeded ones, each once.
    "${tool[@]}" deletable "http://127.0.0.1:$port" "$data/customers.txt" "$work/deletable.txt"
    export BENCH_CREDENTIALS=$work/deletable.txt
  fi
  if [ "$scenario" = delete ]; then
    # No warm-up to use them up, and half the time: deleting is faster than creating, and a
    # second pass over the list would only meet 404s.
    warm=0
    measure=$(((duration + 1) / 2))
  fi
  [ "$scenario" = mix ] && export BENCH_SLICES=2 # The warm-up and the measured run delete different halves.
  if [ "$warm" -gt 0 ]; then
    BENCH_RUN="w$target$scenario$round" wrk -t1 -c32 -d"${warm}s" -s "$BENCH_WRK/$scenario.lua" "http://127.0.0.1:$port" >/dev/null
  fi
  [ "$scenario" = mix ] && export BENCH_SLICE=1
  ticks_before=$(cpu_ticks "$pid")
  line=$(BENCH_RUN="m$target$scenario$round" wrk -t1 -c32 -d"${measure}s" --latency -s "$BENCH_WRK/$scenario.lua" "http://127.0.0.1:$port" | grep '^RESULT')
  ticks_after=$(cpu_ticks "$pid")
  line="$line cpu_ticks=$((ticks_after - ticks_before))"
  printf '%s\t%s\t%s\t%s rss_mb=%s\n' "$target" "$scenario" "$round" "$line" "$(rss_mb "$pid")" >>"$work/results.tsv"
  echo "   $target $scenario round $round: $line" >&2
}

for round in $(seq 1 "$rounds"); do
  log "round $round of $rounds (wrk -t1 -c32, ${warmup}s warm-up, ${duration}s measured)"
  load baseline list "$round"
  for target in "${targets[@]}"; do load "$target" list "$round" "$work/data-$target"; done
  load sqlbare list "$round"
  [ -n "${pid_pgbare:-}" ] && load pgbare list "$round" "$work/data-postgres"
  for variant in "${pg_variants[@]}"; do load "$variant" list "$round" "$work/data-postgres"; done
  load wiremock list "$round"
  for target in "${targets[@]}"; do
    for scenario in create delete mix; do load "$target" "$scenario" "$round" "$work/data-$target"; done
    # Untimed: remove what the load created, so that the next round measures the seeded data again.
    "${tool[@]}" cleanup "http://127.0.0.1:$(eval echo "\$port_$target")" "$work/data-$target/customers.txt"
  done
  load sqlite1 create "$round"
  "${tool[@]}" cleanup "http://127.0.0.1:$port_sqlite1" "$work/data-sqlite/customers.txt"
  if [ "${#pg_variants[@]}" -gt 0 ]; then
    load pgdefaults create "$round" "$work/data-postgres"
    "${tool[@]}" cleanup "http://127.0.0.1:$port_pgdefaults" "$work/data-postgres/customers.txt"
  fi
done

# --- memory over a long run ---------------------------------------------------------------------
: >"$work/long.tsv"
if [ "$long_requests" -gt 0 ]; then
  log "memory: GET on SQLite until $long_requests requests, RSS after every 5 s"
  total=0
  export BENCH_DATA=$work/data-sqlite
  while [ "$total" -lt "$long_requests" ]; do
    n=$(wrk -t1 -c32 -d5s -s "$BENCH_WRK/list.lua" "http://127.0.0.1:$port_sqlite" | grep -o 'requests=[0-9]*' | cut -d= -f2)
    if [ "${n:-0}" -eq 0 ] || ! kill -0 "$pid_sqlite" 2>/dev/null; then
      echo "The long run stalled: the SQLite service answered nothing for 5 s." >&2
      exit 1
    fi
    total=$((total + n))
    printf '%s\t%s\n' "$total" "$(rss_mb "$pid_sqlite")" >>"$work/long.tsv"
  done
fi

# --- cold start ---------------------------------------------------------------------------------
log "cold start: process start to first 200, $coldstarts runs each, interleaved"
kill "$pid_sqlite"
: >"$work/coldstart.tsv"
for _ in $(seq 1 "$coldstarts"); do
  port=$(free_port)
  printf 'baseline\t%s\n' "$("${tool[@]}" coldstart "http://127.0.0.1:$port/" 1 dotnet "$baseline_dll" --urls "http://127.0.0.1:$port")" >>"$work/coldstart.tsv"
  # service: the Native AOT executable; build: the JIT build output, for contrast.
  for variant in service:"$native" build:"dotnet $server_dll"; do
    port=$(free_port)
    read -ra command <<<"${variant#*:}"
    printf '%s\t%s\n' "${variant%%:*}" "$("${tool[@]}" coldstart "http://127.0.0.1:$port/v4/orgs/bench/customers/$first_customer/credentials" 1 \
      env "${deployed[@]}" "ConnectionStrings__Sqlite=Data Source=$work/sqlite/customers.db" Logging__LogLevel__Default=Warning "${command[@]}" --urls "http://127.0.0.1:$port")" >>"$work/coldstart.tsv"
  done
done

# --- the client ---------------------------------------------------------------------------------
log "client micro-benchmark (BenchmarkDotNet, $client) against the baseline server"
"${tool[@]}" client "http://127.0.0.1:$port_baseline" "$first_customer" "$work/bdn" "$client" >"$work/bdn.log" 2>&1 \
  || { tail -40 "$work/bdn.log" >&2; exit 1; }
client_csv=$(find "$work/bdn" -name '*.csv' | head -1)

# --- report -------------------------------------------------------------------------------------
report=$work/report.md
bash "$repo/bench/report.sh" "$work" "$client_csv" >"$report"
cat "$report"
if [ "$mode" = full ]; then
  {
    sed '/<!-- figures:begin -->/q' bench/RESULTS.md
    echo
    echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)),"
    echo "$(dotnet --version) SDK, $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2), with \`bash bench/run.sh\`."
    echo "$(cat "$work/seed-"*.txt | sed 's/^/Seed: /')"
    echo
    cat "$report"
    echo
    sed -n '/<!-- figures:end -->/,$p' bench/RESULTS.md
  } >"$work/RESULTS.md"
  cp "$work/RESULTS.md" bench/RESULTS.md
  log "bench/RESULTS.md updated"
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done # the machine to itself
  bash "$repo/bench/noisy-neighbour.sh"
  bash "$repo/bench/secure-delete.sh"
fi
