#!/usr/bin/env bash
# What the audit trail costs the writes: POST throughput of this tree against the commit before the
# trail (built into a temporary worktree, as run.sh measures other baselines), in the same run, with
# rounds interleaved and the order flipped each round, on SQLite and on PostgreSQL.
#   bash bench/audit-ab.sh [base-commit]     (default: the merge base with main)
# AB_PG_WAITS=1 also samples what PostgreSQL's active backends wait on during each measured run
# (pg_stat_activity every 100 ms): a profile of where a create's time goes on the database side.
# Prints one line per run and the median ratio per provider; writes nothing to the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
base=${1:-$(git merge-base HEAD main)}
customers=${AB_CUSTOMERS:-2000} duration=${AB_DURATION:-10} warmup=${AB_WARMUP:-2} rounds=${AB_ROUNDS:-3}
command -v wrk >/dev/null || { echo "wrk is not installed (Debian package wrk)." >&2; exit 1; }
work=$(mktemp -d)
chmod 755 "$work"
pids=()
pg_data=""
. "$repo/bench/common.sh"
pg_tool() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/$1
  shift
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$bin" "$@"; else "$bin" "$@"; fi
}
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "$pg_data" ]; then pg_tool pg_ctl -D "$pg_data" -m immediate -w stop >/dev/null 2>&1 || true; fi
  git -C "$repo" worktree remove --force "$work/base" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

log "build this tree and $base (Release)"
git worktree add --detach -q "$work/base" "$base"
for project in "$repo/src/Server" "$repo/bench/Tool" "$work/base/src/Server"; do
  out=$(dotnet build "$project" -c Release -nologo -v:q 2>&1) || { printf '%s\n' "$out" | grep -E 'error' >&2; exit 1; }
done
declare -A dll=([new]="$repo/src/Server/bin/Release/net10.0/Customers.Server.dll" [old]="$work/base/src/Server/bin/Release/net10.0/Customers.Server.dll")
tool=(dotnet "$repo/bench/Tool/bin/Release/net10.0/Customers.Bench.Tool.dll")
deployed=(Authorization__Grants__API_KEY__0='*' Authorization__Orgs__API_KEY__0='*' AllowedHosts=127.0.0.1 "Idempotency__FingerprintKey=$(head -c 32 /dev/urandom | base64)"
  Limits__Organization__ReadsPerSecond=0 Limits__Organization__WritesPerSecond=0 Storage__MaxCredentialsPerCustomer=1000000 Logging__LogLevel__Default=Warning)
declare -A port
start() { # name, dll, extra environment...
  local name=$1 target=$2
  shift 2
  port[$name]=$(free_port)
  env "${deployed[@]}" "$@" dotnet "$target" --urls "http://127.0.0.1:${port[$name]}" >"$work/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 600); do curl -fs -o /dev/null "http://127.0.0.1:${port[$name]}/health/ready" && break; sleep 0.1; done
  mkdir -p "$work/data-$name"
  "${tool[@]}" seed "http://127.0.0.1:${port[$name]}" "$customers" 1 "$work/data-$name" >/dev/null
}

providers=(sqlite)
for side in old new; do start "sqlite-$side" "${dll[$side]}" "ConnectionStrings__Sqlite=Data Source=$work/sqlite-$side.db"; done
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  mkdir -p "$work/pg"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$work/pg"
  pg_data=$work/pg/data
  pg_port=$(free_port)
  pg_tool initdb -D "$pg_data" -U postgres -A trust -E UTF8 >/dev/null
  pg_tool pg_ctl -D "$pg_data" -l "$work/pg/server.log" -w -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $work/pg -c max_connections=200" start >/dev/null
  for side in old new; do
    pg_tool createdb -h 127.0.0.1 -p "$pg_port" -U postgres "bench_$side"
    start "postgres-$side" "${dll[$side]}" Storage__Provider=Postgres "ConnectionStrings__Postgres=Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=bench_$side"
  done
  providers+=(postgres)
fi

export BENCH_WRK=$repo/bench/wrk
: >"$work/results.tsv"
for round in $(seq 1 "$rounds"); do
  order=(old new)
  [ $((round % 2)) = 0 ] && order=(new old)
  for provider in "${providers[@]}"; do
    for side in "${order[@]}"; do
      name=$provider-$side
      export BENCH_DATA=$work/data-$name
      BENCH_RUN="w$name$round" wrk -t1 -c32 -d"${warmup}s" -s "$BENCH_WRK/create.lua" "http://127.0.0.1:${port[$name]}" >/dev/null
      sampler=""
      if [ "$provider" = postgres ] && [ "${AB_PG_WAITS:-0}" = 1 ]; then
        (while :; do
          pg_tool psql -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -At -c \
            "SELECT coalesce(wait_event_type, 'CPU') || ':' || coalesce(wait_event, 'running') FROM pg_stat_activity WHERE datname = 'bench_$side' AND state = 'active' AND pid <> pg_backend_pid();" >>"$work/waits-$side.txt" 2>/dev/null
          sleep 0.1
        done) &
        sampler=$!
      fi
      line=$(BENCH_RUN="m$name$round" wrk -t1 -c32 -d"${duration}s" --latency -s "$BENCH_WRK/create.lua" "http://127.0.0.1:${port[$name]}" | grep '^RESULT')
      [ -n "$sampler" ] && { kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true; }
      printf '%s\t%s\t%s\t%s\n' "$provider" "$side" "$round" "$line" | tee -a "$work/results.tsv" >&2
    done
  done
done

# Per provider and round: new / old; the median of the rounds.
awk -F'\t' '
function rps(text) { return match(text, "rps=[0-9.]+") ? substr(text, RSTART + 4, RLENGTH - 4) + 0 : 0 }
{ r[$1, $2, $3] = rps($4); providers[$1] = 1; rounds[$3] = 1 }
END {
  for (p in providers) {
    n = 0; list = ""
    for (k in rounds) { ratio[++n] = r[p, "new", k] / r[p, "old", k]; list = list sprintf(" %.0f/%.0f=%.2f", r[p, "new", k], r[p, "old", k], ratio[n]) }
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (ratio[j] < ratio[i]) { t = ratio[i]; ratio[i] = ratio[j]; ratio[j] = t }
    printf "%s POST with the audit trail / without: median %.2f (by round, creates/s with/without:%s)\n", p, (n % 2) ? ratio[(n + 1) / 2] : (ratio[n / 2] + ratio[n / 2 + 1]) / 2, list
  }
}' "$work/results.tsv"
for side in old new; do
  if [ -s "$work/waits-$side.txt" ]; then
    echo "postgres $side: active backends by wait event, share of samples:"
    sort "$work/waits-$side.txt" | uniq -c | sort -rn | awk -v total="$(wc -l <"$work/waits-$side.txt")" '{ printf "  %5.1f%%  %s\n", 100 * $1 / total, $2 }' | head -8
  fi
done
