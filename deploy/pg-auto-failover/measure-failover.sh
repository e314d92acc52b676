#!/usr/bin/env bash
# measure-failover.sh DIR [RUNS]
#
# RUNS times (3): up.sh DIR (fresh), write 100 rows through the multi-host conninfo, kill-primary.sh,
# then poll the other node every 100 ms until pg_is_in_recovery() is false and an INSERT commits;
# checks the 100 rows are on the new primary; down.sh DIR --purge. One line per run on stdout.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
D=${1:?usage: $0 DIR [RUNS]}
RUNS=${2:-3}

for r in $(seq "$RUNS"); do
    "$HERE/down.sh" "$D" --purge 2>/dev/null
    "$HERE/up.sh" "$D" >/dev/null 2>"$D.up.err" || { cat "$D.up.err" >&2; exit 1; }
    . "$D/paf.sh"
    psql -X -qAt "$PSQL_CONNINFO" -c "CREATE TABLE probe(id serial PRIMARY KEY, note text)" \
        -c "INSERT INTO probe(note) SELECT 'before' FROM generate_series(1, 100)"
    kill_out=$("$HERE/kill-primary.sh" "$D")
    killed_at=$(sed -n 's/^KILLED_AT=//p' <<<"$kill_out")
    killed_port=$(sed -n 's/^KILLED_PORT=//p' <<<"$kill_out")
    other=$NODE1_PORT
    [[ $killed_port == "$NODE1_PORT" ]] && other=$NODE2_PORT
    node="host=127.0.0.1 port=$other user=$DB_USER dbname=$DB_NAME connect_timeout=1"
    for _ in $(seq 1200); do
        if [[ $(psql -X -qAt "$node" -c "SELECT pg_is_in_recovery()" 2>/dev/null) == f ]] &&
            psql -X -qAt "$node options='-c statement_timeout=1000'" -c "INSERT INTO probe(note) VALUES ('after')" >/dev/null 2>&1; then
            break
        fi
        sleep 0.1
    done
    writable_at=$(date +%s.%N)
    kept=$(psql -X -qAt "$node" -c "SELECT count(*) FROM probe WHERE note = 'before'")
    echo "run=$r up_seconds=$UP_SECONDS sync_state=$SYNC_STATE killed_port=$killed_port" \
        "kill_to_writable=$(awk -v a="$killed_at" -v b="$writable_at" 'BEGIN { printf "%.2f", b - a }')" \
        "rows_kept=$kept/100"
done
"$HERE/down.sh" "$D" --purge 2>/dev/null
rm -f "$D.up.err"
