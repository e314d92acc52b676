#!/usr/bin/env bash
# Turns bench/run.sh's raw files into the markdown report: medians over rounds, ratios within a round.
#   report.sh <work-folder> <BenchmarkDotNet csv>
set -euo pipefail
work=$1
client_csv=$2

# The tuning table goes to a file of its own, printed after the targets (the client's rows come in between).
awk -F'\t' -v ticksPerSecond="$(getconf CLK_TCK)" -v tuningFile="$work/tuning.md" -v poolSize="$(( $(nproc) * 2 > 4 ? $(nproc) * 2 : 4 ))" '
function field(text, name) { return match(text, name "=[0-9.]+") ? substr(text, RSTART + length(name) + 1, RLENGTH - length(name) - 1) + 0 : 0 }
function median(list,   n, values, i, j, t) {
  n = split(list, values, " ")
  for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (values[j] + 0 < values[i] + 0) { t = values[i]; values[i] = values[j]; values[j] = t }
  return (n % 2) ? values[(n + 1) / 2] : (values[n / 2] + values[n / 2 + 1]) / 2
}
FILENAME ~ /results.tsv$/ {
  key = $1 SUBSEP $2; round = $3
  if (!(key in seen)) { order[++keys] = key; seen[key] = 1 }
  rps[key, round] = field($4, "rps"); rpsList[key] = rpsList[key] " " field($4, "rps")
  p50[key] = p50[key] " " field($4, "p50_us"); p99[key] = p99[key] " " field($4, "p99_us")
  p99r[key, round] = field($4, "p99_us")
  requests = field($4, "requests")
  cpu[key] = cpu[key] " " (requests ? field($4, "cpu_ticks") * (1000000 / ticksPerSecond) / requests : 0)
  rss[key] = field($4, "rss_mb"); non2xx[key] += field($4, "non2xx"); socket[key] += field($4, "socket_errors")
  rounds[round] = 1
  next
}
FILENAME ~ /long.tsv$/ { longTotal[++longs] = $1; longRss[longs] = $2; next }
FILENAME ~ /coldstart.tsv$/ { cold[$1] = cold[$1] " " $2; next }
END {
  for (r in rounds) {
    base = rps["baseline" SUBSEP "list", r]
    for (k = 1; k <= keys; k++) if (base) ratio[order[k]] = ratio[order[k]] " " rps[order[k], r] / base
    sqlBare = rps["sqlbare" SUBSEP "list", r]
    if (sqlBare) sqliteBare = sqliteBare " " rps["sqlite" SUBSEP "list", r] / sqlBare
    single = rps["sqlite1" SUBSEP "create", r]
    if (single) groupCommit = groupCommit " " rps["sqlite" SUBSEP "create", r] / single
    bare = rps["pgbare" SUBSEP "list", r]
    if (bare) pgBare = pgBare " " rps["postgres" SUBSEP "list", r] / bare
    npgsqlDefaults = rps["pgdefaults" SUBSEP "list", r]
    if (npgsqlDefaults) for (k = 1; k <= keys; k++) { split(order[k], part, SUBSEP); if (part[2] == "list" && part[1] ~ /^(pg|postgres)/) tuning[order[k]] = tuning[order[k]] " " rps[order[k], r] / npgsqlDefaults }
    wm = p99r["wiremock" SUBSEP "list", r]
    if (wm) { sqliteP99 = sqliteP99 " " p99r["sqlite" SUBSEP "list", r] / wm; pgP99 = pgP99 " " (p99r["postgres" SUBSEP "list", r] ? p99r["postgres" SUBSEP "list", r] / wm : 0) }
  }
  print "### Load (wrk -t1 -c32 on 127.0.0.1; medians over rounds, but non-2xx summed and RSS after the last round)"
  print ""
  print "| server | scenario | req/s | × baseline GET | p50 ms | p99 ms | server CPU µs/req | RSS MB after | non-2xx |"
  print "|---|---|---|---|---|---|---|---|---|"
  for (k = 1; k <= keys; k++) {
    key = order[k]; split(key, part, SUBSEP)
    printf "| %s | %s | %.0f | %.2f | %.2f | %.2f | %.0f | %d | %d%s |\n", part[1], part[2], median(rpsList[key]), median(ratio[key]),
      median(p50[key]) / 1000, median(p99[key]) / 1000, median(cpu[key]), rss[key], non2xx[key], (socket[key] ? " (+" socket[key] " socket errors)" : "")
  }
  print ""
  print "### Targets"
  print ""
  print "| target | measured | met |"
  print "|---|---|---|"
  v = median(ratio["sqlite" SUBSEP "list"]); printf "| GET list on SQLite ≥ 0.65× bare Kestrel | %.2f× | %s |\n", v, (v >= 0.65 ? "yes" : "no")
  if (sqliteBare != "") { v = median(sqliteBare); printf "| GET list on SQLite ≥ 0.9× bare Microsoft.Data.Sqlite (same SELECT) | %.2f× | %s |\n", v, (v >= 0.9 ? "yes" : "no") }
  if (groupCommit != "") { v = median(groupCommit); printf "| POST on SQLite (synchronous=FULL) ≥ 3× one commit per write | %.2f× (%.0f vs %.0f/s) | %s |\n", v, median(rpsList["sqlite" SUBSEP "create"]), median(rpsList["sqlite1" SUBSEP "create"]), (v >= 3 ? "yes" : "no") }
  v = median(p99["sqlite" SUBSEP "create"]) / 1000; printf "| POST p99 on SQLite ≤ 10 ms | %.2f ms | %s |\n", v, (v <= 10 ? "yes" : "no")
  if (("postgres" SUBSEP "list") in seen) {
    v = median(ratio["postgres" SUBSEP "list"]); printf "| GET list on PostgreSQL ≥ 0.25× bare Kestrel | %.2f× | %s |\n", v, (v >= 0.25 ? "yes" : "no")
    if (pgBare != "") { v = median(pgBare); printf "| GET list on PostgreSQL ≥ 0.8× bare Npgsql (same SELECT) | %.2f× | %s |\n", v, (v >= 0.8 ? "yes" : "no") }
    v = median(p99["postgres" SUBSEP "list"]) / 1000; printf "| GET list p99 on PostgreSQL ≤ 10 ms (32 connections) | %.2f ms | %s |\n", v, (v <= 10 ? "yes" : "no")
    v = median(p99["postgres" SUBSEP "create"]) / 1000; printf "| POST p99 on PostgreSQL ≤ 20 ms (default durability) | %.2f ms | %s |\n", v, (v <= 20 ? "yes" : "no")
  }
  v = median(sqliteP99); printf "| GET list p99 on SQLite ≤ 0.5× WireMock p99 | %.2f× | %s |\n", v, (v <= 0.5 ? "yes" : "no")
  if (("postgres" SUBSEP "list") in seen) { v = median(pgP99); printf "| GET list p99 on PostgreSQL ≤ 0.5× WireMock p99 | %.2f× | %s |\n", v, (v <= 0.5 ? "yes" : "no") }
  if (cold["baseline"] != "") { b = median(cold["baseline"]); s = median(cold["service"]); printf "| cold start of the Native AOT publish (what the Dockerfile deploys) ≤ 0.5× the JIT minimal-API baseline | %d ms vs %d ms = %.2f× | %s |\n", s, b, s / b, (s / b <= 0.5 ? "yes" : "no")
    if (cold["build"] != "") { j = median(cold["build"]); printf "| (profile) cold start of the build output, JIT only | %d ms = %.2f× | — |\n", j, j / b } }
  if (longs > 1) {
    half = int((longs + 1) / 2)
    growth = (longRss[longs] - longRss[half]) / longRss[half] * 100
    printf "| RSS after %d GETs ≤ 150 MB | %d MB | %s |\n", longTotal[longs], longRss[longs], (longRss[longs] <= 150 ? "yes" : "no")
    printf "| RSS flat over the second half (from %d MB at %d requests) | %+.1f%% | %s |\n", longRss[half], longTotal[half], growth, (growth <= 5 ? "yes" : "no")
  }
  if (("pgdefaults" SUBSEP "list") in seen) {
    print "" > tuningFile
    print "### PostgreSQL tuning, each change on its own (GET list; req/s × the service on the Npgsql defaults, same round)" > tuningFile
    print "" > tuningFile
    print "| service | connection settings | × Npgsql defaults | p99 ms |" > tuningFile
    print "|---|---|---|---|" > tuningFile
    split("pgdefaults pgpool pgprepare pgnoreset postgres", variant, " ")
    label["pgdefaults"] = "Npgsql defaults: pool 100, no prepare, reset on reuse"
    label["pgpool"] = "pool of " poolSize " only"
    label["pgprepare"] = "auto-prepare only"
    label["pgnoreset"] = "no reset on reuse only"
    label["postgres"] = "all three (the service default)"
    for (i = 1; i <= 5; i++) { key = variant[i] SUBSEP "list"; printf "| %s | %s | %.2f | %.2f |\n", variant[i], label[variant[i]], median(tuning[key]), median(p99[key]) / 1000 > tuningFile }
    if (("pgdefaults" SUBSEP "create") in seen) printf "| POST: Npgsql defaults vs the service default | — | %.2f | %.2f vs %.2f |\n", median(rpsList["postgres" SUBSEP "create"]) / median(rpsList["pgdefaults" SUBSEP "create"]), median(p99["pgdefaults" SUBSEP "create"]) / 1000, median(p99["postgres" SUBSEP "create"]) / 1000 > tuningFile
  }
}
' "$work/results.tsv" "$work/long.tsv" "$work/coldstart.tsv"

# BenchmarkDotNet's CSV: Method,...,Mean,Error,StdDev,...,Ratio,...,Allocated,Alloc Ratio
awk -F',' '
NR == 1 { for (i = 1; i <= NF; i++) column[$i] = i; next }
{ gsub(/"/, ""); method[$column["Method"]] = 1; mean[$column["Method"]] = $column["Mean"]; alloc[$column["Method"]] = $column["Allocated"]; ratio[$column["Method"]] = $column["Ratio"]; aratio[$column["Method"]] = $column["Alloc Ratio"] }
END {
  printf "| client time per call ≤ 1.15× hand-written HttpClient + STJ | %s vs %s = %s× | %s |\n", mean["CustomersClient"], mean["HandWrittenHttpClient"], ratio["CustomersClient"], (ratio["CustomersClient"] + 0 <= 1.15 ? "yes" : "no")
  printf "| client allocations per call ≤ 1.8× | %s vs %s = %s× | %s |\n", alloc["CustomersClient"], alloc["HandWrittenHttpClient"], aratio["CustomersClient"], (aratio["CustomersClient"] + 0 <= 1.8 ? "yes" : "no")
  printf "| (profile) the client without its resilience pipeline | %s = %s×, %s = %s× | — |\n", mean["CustomersClientWithoutResilience"], ratio["CustomersClientWithoutResilience"], alloc["CustomersClientWithoutResilience"], aratio["CustomersClientWithoutResilience"]
}' "$client_csv"

[ -s "$work/tuning.md" ] && cat "$work/tuning.md"

if [ -s "$work/long.tsv" ]; then
  echo
  echo "### RSS of the SQLite service during the long GET run"
  echo
  echo "| requests | RSS MB |"
  echo "|---|---|"
  awk -F'\t' '{ printf "| %d | %d |\n", $1, $2 }' "$work/long.tsv"
fi
