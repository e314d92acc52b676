#!/usr/bin/env bash
# What erasing for real costs on SQLite: POST (create) and DELETE throughput of the service with
# Storage:SqliteSecureDelete on (the default: secure_delete, and the WAL truncated after each
# commit that removed a username) against the same service with it off, on copies of one seeded
# file, interleaved rounds, medians.
#   bash bench/secure-delete.sh           full run (about 2 min): writes its section of bench/RESULTS.md
#   bash bench/secure-delete.sh --smoke   a few seconds, to prove the script works (CI); asserts no timing
# Needs wrk (Debian package wrk). bench/run.sh builds first; run alone, this builds too.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
mode=full
[ "${1:-}" = "--smoke" ] && mode=smoke
if [ "$mode" = full ]; then
  duration=8 warmup=2 rounds=5 customers=2000
else
  duration=1 warmup=0 rounds=1 customers=20
fi
command -v wrk >/dev/null || { echo "wrk is not installed (Debian package wrk)." >&2; exit 1; }
. "$repo/bench/common.sh"
bench_workdir

build_service_and_tool

start_service() { # name, extra environment...: rates off, no credential limit (the load adds many to each customer)
  deployed_service "$@" Limits__Organization__ReadsPerSecond=0 Limits__Organization__WritesPerSecond=0 Storage__MaxCredentialsPerCustomer=1000000
}

start_service seed
"${tool[@]}" seed "http://127.0.0.1:$port_seed" "$customers" 3 "$work/data" >&2
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true
for name in secure plain; do mkdir -p "$work/$name" && cp "$work/seed/customers.db" "$work/$name/"; done
start_service secure
start_service plain Storage__SqliteSecureDelete=false

export BENCH_WRK=$repo/bench/wrk BENCH_DATA=$work/data
run() { # name scenario round → "rps p99_us non2xx"
  local port seconds=$duration
  port=$(eval echo "\$port_$1")
  # A delete without secure_delete is several times faster than a create: an eighth of the time,
  # so that the round's creations are not used up (a 404 would measure nothing; non-2xx shows it).
  [ "$2" = delete ] && seconds=$(((duration + 7) / 8))
  BENCH_RUN="$1$2$3" wrk -t1 -c32 -d"${seconds}s" --latency -s "$BENCH_WRK/$2.lua" "http://127.0.0.1:$port" | grep '^RESULT' \
    | sed -E 's/.*rps=([0-9]+) p50_us=[0-9]+ p99_us=([0-9]+) non2xx=([0-9]+).*/\1 \2 \3/'
}
if [ "$warmup" -gt 0 ]; then
  for name in secure plain; do
    BENCH_RUN="w$name" wrk -t1 -c32 -d"${warmup}s" -s "$BENCH_WRK/list.lua" "http://127.0.0.1:$(eval echo "\$port_$name")" >/dev/null
  done
fi
: >"$work/secure.tsv"
for round in $(seq 1 "$rounds"); do
  for name in secure plain; do
    port=$(eval echo "\$port_$name")
    unset BENCH_CREDENTIALS
    created=$(run "$name" create "$round")
    # Deletes take the credentials this round created, each once.
    "${tool[@]}" deletable "http://127.0.0.1:$port" "$work/data/customers.txt" "$work/deletable.txt"
    deleted=$(BENCH_CREDENTIALS=$work/deletable.txt run "$name" delete "$round")
    "${tool[@]}" cleanup "http://127.0.0.1:$port" "$work/data/customers.txt"
    printf '%s\t%s\t%s\t%s\n' "$name" "$round" "$created" "$deleted" >>"$work/secure.tsv"
    log "$name round $round: create [$created] delete [$deleted]"
  done
done

report=$(awk -F'\t' '
  function median(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  {
    split($3, c, " "); split($4, d, " ")
    createRps[$1] = createRps[$1] " " c[1]; createP99[$1] = createP99[$1] " " c[2]
    deleteRps[$1] = deleteRps[$1] " " d[1]; deleteP99[$1] = deleteP99[$1] " " d[2]
    non2xx[$1] += c[3] + d[3]
  }
  END {
    print "| Storage:SqliteSecureDelete | POST req/s | POST p99 | DELETE req/s | DELETE p99 | non-2xx |"
    print "|---|---|---|---|---|---|"
    split("secure plain", names, " ")
    for (i = 1; i <= 2; i++) { s = names[i]
      printf "| %s | %d | %.2f ms | %d | %.2f ms | %d |\n", (s == "secure" ? "true (default)" : "false"), median(createRps[s]), median(createP99[s]) / 1000, median(deleteRps[s]), median(deleteP99[s]) / 1000, non2xx[s] }
    printf "\nCost of erasing for real: POST %.2f×, DELETE %.2f× the throughput without it.\n",
      median(createRps["secure"]) / median(createRps["plain"]), median(deleteRps["secure"]) / median(deleteRps["plain"])
  }' "$work/secure.tsv")
echo "$report"
if [ "$mode" = full ]; then
  {
    sed '/<!-- secure-delete:begin -->/q' bench/RESULTS.md
    echo
    echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores, with \`bash bench/secure-delete.sh\` ($rounds rounds, ${duration}s of creates then $(((duration + 7) / 8))s of deletes of what they created, wrk -c32, medians):"
    echo
    echo "$report"
    echo
    sed -n '/<!-- secure-delete:end -->/,$p' bench/RESULTS.md
  } >"$work/RESULTS.md"
  cp "$work/RESULTS.md" bench/RESULTS.md
  log "bench/RESULTS.md: secure-delete section updated"
fi
