#!/usr/bin/env bash
# Noisy neighbour: one organization floods customer creations (wrk -c128) while a quiet one reads
# a customer's credentials (wrk -c4), against the quiet organization reading alone, in the same
# run. Two services on their own SQLite files: "limited" with the default organization limits
# (reads unlimited, so that the quiet organization's capacity is measured, not its own limit) and
# "unlimited" with every limit off, the service as it was.
#   bash bench/noisy-neighbour.sh           full run (about 3 min): writes its section of bench/RESULTS.md
#   bash bench/noisy-neighbour.sh --smoke   a few seconds, to prove the script works (CI); asserts no timing
# Needs wrk (Debian package wrk). bench/run.sh builds first; run alone, this builds too.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
mode=full
[ "${1:-}" = "--smoke" ] && mode=smoke
if [ "$mode" = full ]; then
  duration=12 warmup=3 rounds=3 customers=200
else
  duration=2 warmup=1 rounds=1 customers=20
fi
command -v wrk >/dev/null || { echo "wrk is not installed (Debian package wrk)." >&2; exit 1; }
. "$repo/bench/common.sh"
bench_workdir

build_service_and_tool
write_rate=$(sed -n 's/.*public double WritesPerSecond { get; set; } = \([0-9.]*\);.*/\1/p' src/Server/Limits/OrganizationLimitsOptions.cs)

# The quiet organization's data is seeded with the limits off, then each service starts on a copy.
deployed_service seed Limits__Organization__ReadsPerSecond=0 Limits__Organization__WritesPerSecond=0
"${tool[@]}" seed "http://127.0.0.1:$port_seed" "$customers" 3 "$work/data" >&2
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true
for name in limited unlimited; do mkdir -p "$work/$name" && cp "$work/seed/customers.db" "$work/$name/"; done
deployed_service limited Limits__Organization__ReadsPerSecond=0
deployed_service unlimited Limits__Organization__ReadsPerSecond=0 Limits__Organization__WritesPerSecond=0

export BENCH_WRK=$repo/bench/wrk BENCH_DATA=$work/data
quiet() { # port → "rps p99_us non2xx"
  wrk -t1 -c4 -d"${duration}s" --latency -s "$BENCH_WRK/list.lua" "http://127.0.0.1:$1" | grep '^RESULT' \
    | sed -E 's/.*rps=([0-9]+) p50_us=[0-9]+ p99_us=([0-9]+) non2xx=([0-9]+).*/\1 \2 \3/'
}
for name in limited unlimited; do # warm-up: the first round would otherwise measure the JIT
  wrk -t1 -c4 -d"${warmup}s" -s "$BENCH_WRK/list.lua" "http://127.0.0.1:$(eval echo "\$port_$name")" >/dev/null
done
: >"$work/noisy.tsv"
for round in $(seq 1 "$rounds"); do
  for name in limited unlimited; do
    port=$(eval echo "\$port_$name")
    alone=$(quiet "$port")
    # The flood's warm-up empties the noisy organization's burst, so the measured part meets its rate.
    wrk -t1 -c128 -d"${warmup}s" -s "$BENCH_WRK/flood.lua" "http://127.0.0.1:$port" >/dev/null
    wrk -t1 -c128 -d"${duration}s" -s "$BENCH_WRK/flood.lua" "http://127.0.0.1:$port" | grep '^RESULT' >"$work/flood.txt" &
    flood=$!
    during=$(quiet "$port")
    wait "$flood"
    flood_line=$(cat "$work/flood.txt")
    printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$round" "$alone" "$during" "$flood_line" >>"$work/noisy.tsv"
    log "$name round $round: quiet alone [$alone] during [$during] flood [$flood_line]"
  done
done

# Medians per service: quiet alone and during the flood, the ratio, the flood's accepted writes per second.
report=$(awk -F'\t' -v rate="$write_rate" '
  function median(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  function field(line, name,   m) { return match(line, name "=[0-9.]+") ? substr(line, RSTART + length(name) + 1, RLENGTH - length(name) - 1) : 0 }
  {
    split($3, alone, " "); split($4, during, " ")
    aloneRps[$1] = aloneRps[$1] " " alone[1]; aloneP99[$1] = aloneP99[$1] " " alone[2]
    duringRps[$1] = duringRps[$1] " " during[1]; duringP99[$1] = duringP99[$1] " " during[2]
    accepted[$1] = accepted[$1] " " field($5, "created") / field($5, "seconds")
    fivexx[$1] += field($5, "server_errors") + alone[3] + during[3]
    limited[$1] += field($5, "limited")
  }
  END {
    print "| service | quiet alone (req/s, p99) | quiet during the flood (req/s, p99) | throughput kept | p99 ratio | flood: accepted writes/s | flood: 429s | 5xx or other non-2xx |"
    print "|---|---|---|---|---|---|---|---|"
    for (s in aloneRps) {
      a = median(aloneRps[s]); d = median(duringRps[s]); ap = median(aloneP99[s]); dp = median(duringP99[s])
      printf "| %s | %d, %.2f ms | %d, %.2f ms | %.2f× | %.2f× | %.0f | %d | %d |\n", s, a, ap / 1000, d, dp / 1000, d / a, dp / ap, median(accepted[s]), limited[s], fivexx[s]
    }
    printf "\nGoals (limited): throughput kept ≥ 0.50×, p99 ratio ≤ 2.00×, 0 × 5xx, accepted writes within 10%% of the configured %s/s.\n", rate
  }' "$work/noisy.tsv")
echo "$report"
if [ "$mode" = full ]; then
  {
    sed '/<!-- noisy:begin -->/q' bench/RESULTS.md
    echo
    echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores, with \`bash bench/noisy-neighbour.sh\` ($rounds rounds of ${duration}s, medians):"
    echo
    echo "$report"
    echo
    sed -n '/<!-- noisy:end -->/,$p' bench/RESULTS.md
  } >"$work/RESULTS.md"
  cp "$work/RESULTS.md" bench/RESULTS.md
  log "bench/RESULTS.md: noisy-neighbour section updated"
fi
