#!/usr/bin/env bash
# restore-drill.sh DIR --target TIME [--to PGDATA] [--port PORT] [--no-flush]
#
# The point-in-time restore drill: restores the repository of DIR (setup.sh) into a NEW data
# directory (DIR/drill/data unless --to), replays the archived WAL up to TIME, promotes it and
# starts it alone on 127.0.0.1:PORT (a free port unless --port), beside the live nodes, which it
# does not touch. TIME is a PostgreSQL timestamp with its zone, e.g. "2026-12-05 13:40:00.250+00":
# the moment just before the mistake (a DELETE, an erasure); the first transaction that committed
# after it is not replayed. pgBackRest picks the newest backup that ended before TIME; the replay
# follows the latest timeline, so it crosses a failover (the promoted node archived its WAL).
#
# First (unless --no-flush) it runs pgbackrest check against the live primary, which switches
# WAL and waits until that segment is archived: the WAL holding TIME must be in the repository.
# The copy runs with archive_mode off (it must not push its own timeline into the repository of
# the live nodes), no synchronous standbys, no Unix socket, log in DIR/drill/postgres.log.
# Called twice, it stops the previous copy and restores again over it (--delta).
#
# Prints KEY=VALUE lines (also DIR/drill.env): DRILL_DATA DRILL_PORT DRILL_LOG TARGET
# RESTORED_BACKUP RECOVERY_STOP (PostgreSQL's line: which transaction it stopped before, and its
# commit time) TIMELINE CONNECTION_STRING PSQL_CONNINFO RESTORE_SECONDS. The copy runs until
# down.sh DIR.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/common.sh"

DIR_ARG= TARGET= DATA= PORT= FLUSH=1
while (( $# )); do
    case $1 in
        --target) TARGET=${2:?--target TIME}; shift 2 ;;
        --to) DATA=${2:?--to PGDATA}; shift 2 ;;
        --port) PORT=${2:?--port PORT}; shift 2 ;;
        --no-flush) FLUSH=0; shift ;;
        -h|--help) sed -n 2,22p "$0"; exit 0 ;;
        -*) die "unknown option $1" ;;
        *) DIR_ARG=$1; shift ;;
    esac
done
[[ -n $DIR_ARG && -f $DIR_ARG/pgbackrest.env ]] || die "usage: $0 DIR --target TIME (DIR set up by setup.sh)"
[[ -n $TARGET ]] || die "--target TIME is required, e.g. --target '2026-12-05 13:40:00.250+00'"
date -d "$TARGET" >/dev/null 2>&1 || die "--target '$TARGET' is not a time"
pbr_init "$DIR_ARG"
require_pgbackrest
load_env "$DIR/pgbackrest.env"
DRILL_TIMEOUT=${DRILL_TIMEOUT:-300}
START=$(now)

DATA=${DATA:-$DIR/drill/data}
mkdir -p "$DATA"
DATA=$(cd "$DATA" && pwd -P)
DRILL_DIR=$(dirname "$DATA")
DRILL_LOG=$DRILL_DIR/postgres.log
for n in ${NODES:-}; do
    [[ ${n%%:*} != "$DATA" ]] || die "--to $DATA is a live node: a drill restores into a new directory"
done

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if [[ -z $PORT ]]; then
    for _ in $(seq 200); do
        PORT=$(( 20000 + (RANDOM * 32768 + RANDOM) % 12000 ))
        port_free "$PORT" && break
    done
fi
[[ $PORT =~ ^[0-9]+$ ]] || die "--port wants a number"

# Written now, so that down.sh finds and stops a copy whose drill failed half-way.
printf 'DRILL_DATA=%s\nDRILL_PORT=%s\nDRILL_LOG=%s\nTARGET=%s\n' "$DATA" "$PORT" "$DRILL_LOG" "$TARGET" >"$DIR/drill.env"

# --- the WAL up to now into the repository ------------------------------------------------
if (( FLUSH )); then
    log "check: WAL switch on the live primary, wait until it is archived"
    pbr check >/dev/null 2>"$DIR/log/drill-check.err" \
        || log "WARNING: no live primary could be checked ($(tail -1 "$DIR/log/drill-check.err")): restoring from what the repository holds"
fi

# --- restore ------------------------------------------------------------------------------
if [[ -n $(postmaster_pid "$DATA") ]]; then
    log "stopping the previous drill copy in $DATA"
    as_pg "$PG_BIN/pg_ctl" stop -D "$DATA" -m fast -w -t 60 >/dev/null
fi
DELTA=()
[[ -f $DATA/PG_VERSION ]] && DELTA=(--delta)
if (( EUID == 0 )); then chown postgres: "$DRILL_DIR" "$DATA"; fi
chmod 700 "$DATA"
rm -f "$DRILL_LOG"

log "restore to $TARGET into $DATA ${DELTA[*]}"
restore_log=$DIR/log/$STANZA-restore.log
lines_before=$( { wc -l <"$restore_log"; } 2>/dev/null || echo 0)
pbr restore --pg1-path="$DATA" "${DELTA[@]}" --type=time --target="$TARGET" --target-action=promote \
    --target-timeline=latest --archive-mode=off >/dev/null
RESTORED_BACKUP=$(tail -n +"$((lines_before + 1))" "$restore_log" 2>/dev/null | sed -n 's/.*restore backup set \([^,]*\),.*/\1/p' | tail -1)

{
    echo
    echo "# --- restore-drill.sh: a drill copy, alone on its own port, not archiving ---"
    echo "port = $PORT"
    echo "listen_addresses = '127.0.0.1'"
    echo "unix_socket_directories = ''"
    echo "synchronous_standby_names = ''"
    echo "primary_conninfo = ''"
    echo "hot_standby = on"
    echo "logging_collector = off"
    echo "cluster_name = 'restore-drill'"
} | as_pg tee -a "$DATA/postgresql.auto.conf" >/dev/null

# --- replay and promote -------------------------------------------------------------------
log "starting the copy on 127.0.0.1:$PORT; replaying WAL to the target"
if (( EUID == 0 )); then touch "$DRILL_LOG" && chown postgres: "$DRILL_LOG"; fi
if ! as_pg "$PG_BIN/pg_ctl" start -D "$DATA" -l "$DRILL_LOG" -w -t "$DRILL_TIMEOUT" >/dev/null; then
    tail -n 15 "$DRILL_LOG" >&2 || true
    die "the restored copy did not start (a target later than the archived WAL ends with 'recovery ended before configured recovery target was reached')"
fi
DEADLINE=$(( $(date +%s) + DRILL_TIMEOUT ))
until [[ $(sql_at "$PORT" "SELECT NOT pg_is_in_recovery()" 2>/dev/null) == t ]]; do
    if [[ -z $(postmaster_pid "$DATA") ]]; then tail -n 15 "$DRILL_LOG" >&2 || true; die "the restored copy stopped during recovery"; fi
    (( $(date +%s) < DEADLINE )) || die "the restored copy was not promoted within ${DRILL_TIMEOUT}s, see $DRILL_LOG"
    sleep 0.2
done
RECOVERY_STOP=$(grep -o 'recovery stopping .*' "$DRILL_LOG" | tail -1 || true)
[[ -n $RECOVERY_STOP ]] || RECOVERY_STOP="none: no transaction committed after the target was archived (the copy holds all the archived WAL)"
TIMELINE=$(sql_at "$PORT" "SELECT timeline_id FROM pg_control_checkpoint()")
DB_NAME=${DB_NAME:-customers}

{
    echo "DRILL_DATA=$DATA"
    echo "DRILL_PORT=$PORT"
    echo "DRILL_LOG=$DRILL_LOG"
    echo "TARGET=$TARGET"
    echo "RESTORED_BACKUP=$RESTORED_BACKUP"
    echo "RECOVERY_STOP=$RECOVERY_STOP"
    echo "TIMELINE=$TIMELINE"
    echo "CONNECTION_STRING=Host=127.0.0.1;Port=$PORT;Username=$DB_USER;Database=$DB_NAME"
    echo "PSQL_CONNINFO=host=127.0.0.1 port=$PORT user=$DB_USER dbname=$DB_NAME"
    echo "RESTORE_SECONDS=$(elapsed "$START" "$(now)")"
} | tee "$DIR/drill.env"
