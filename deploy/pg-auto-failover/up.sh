#!/usr/bin/env bash
# up.sh DIR [--services N]
#
# Starts, under DIR, a pg_auto_failover monitor and two PostgreSQL nodes (node1 primary, node2
# synchronous standby) in formation "default", all on 127.0.0.1 at free ports, and optionally N
# instances of the service (SERVICE_DLL, default 2 when it is set). Returns once the formation is
# primary + secondary with the standby in sync, and prints KEY=VALUE lines on stdout, also kept
# in DIR/paf.env (raw: split at the first '=') and DIR/paf.sh (quoted, for `. DIR/paf.sh`).
# Progress and errors go to stderr, logs to DIR/logs. DIR must not contain spaces.
#
# FOR LOCAL TRIALS AND TESTS ONLY: every local connection is trusted (no passwords) and nothing is
# encrypted (--no-ssl). Never point it at a network.
#
# Environment: PG_BIN, PG_AUTOCTL, DB_NAME (customers), UP_TIMEOUT (seconds, 120), SERVICE_DLL,
# SERVICES, MONITOR_PORT / NODE1_PORT / NODE2_PORT / SERVICE_PORTS (space separated) to pin
# ports, PAF_* to change the failover timings below, KEEP_ON_FAILURE=1 to leave a failed start
# running for inspection, PAF_INCLUDE=FILE to include FILE in every node's postgresql.conf from
# the first start (deploy/pgbackrest's archive.conf: archive_mode cannot change without a restart).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/common.sh"

DIR_ARG=
SERVICES=${SERVICES:-}
while (( $# )); do
    case $1 in
        --services) SERVICES=${2:?--services N}; shift 2 ;;
        --services=*) SERVICES=${1#*=}; shift ;;
        -h|--help) sed -n 2,18p "$0"; exit 0 ;;
        -*) die "unknown option $1" ;;
        *) [[ -z $DIR_ARG ]] || die "one DIR only"; DIR_ARG=$1; shift ;;
    esac
done
[[ -n $DIR_ARG ]] || die "usage: $0 DIR [--services N]"
[[ $DIR_ARG != *[[:space:]]* ]] || die "DIR must not contain spaces"
if [[ -z $SERVICES ]]; then [[ -n ${SERVICE_DLL:-} ]] && SERVICES=2 || SERVICES=0; fi
[[ $SERVICES =~ ^[0-9]+$ ]] || die "--services wants a number"
if (( SERVICES > 0 )); then
    [[ -f ${SERVICE_DLL:-} ]] || die "--services $SERVICES needs SERVICE_DLL=path/to/Customers.Server.dll"
    command -v dotnet >/dev/null || die "--services needs dotnet on PATH"
fi

DB_NAME=${DB_NAME:-customers}
UP_TIMEOUT=${UP_TIMEOUT:-120}

# Monitor settings (milliseconds). The defaults (5 s checks, 2 retries 2 s apart, 20 s without a
# keeper report, 30 s demote timeout, 10 s grace after the monitor starts) take ~50 s from a dead
# primary to a writable standby; these take a few seconds. A primary is failed over only when its
# keeper stops reporting for NODE_UNHEALTHY AND a health check (connect) has failed, so a slow
# keeper alone does not trigger it.
PAF_HEALTH_CHECK_PERIOD=${PAF_HEALTH_CHECK_PERIOD:-1000}
PAF_HEALTH_CHECK_TIMEOUT=${PAF_HEALTH_CHECK_TIMEOUT:-1000}
PAF_HEALTH_CHECK_MAX_RETRIES=${PAF_HEALTH_CHECK_MAX_RETRIES:-1}
PAF_HEALTH_CHECK_RETRY_DELAY=${PAF_HEALTH_CHECK_RETRY_DELAY:-500}
PAF_NODE_UNHEALTHY=${PAF_NODE_UNHEALTHY:-1000}
PAF_STARTUP_GRACE=${PAF_STARTUP_GRACE:-1000}
# The promoted standby stays read-only this long, so that a primary that is only cut off can
# shut itself down first: keep PAF_NETWORK_PARTITION (keeper setting, whole seconds) below it.
PAF_PRIMARY_DEMOTE_TIMEOUT=${PAF_PRIMARY_DEMOTE_TIMEOUT:-2000}
PAF_NETWORK_PARTITION=${PAF_NETWORK_PARTITION:-1}

paf_init "$DIR_ARG"
[[ ! -e $DIR/monitor && ! -e $DIR/paf.env ]] || die "$DIR already holds a formation: run down.sh $DIR --purge first"
[[ -x $PG_AUTOCTL ]] || die "pg_autoctl not found (apt-get install postgresql-15-auto-failover)"
[[ -x $PG_BIN/pg_ctl ]] || die "no pg_ctl in PG_BIN=$PG_BIN"

START=$(now)
DEADLINE=$(( ${START%.*} + UP_TIMEOUT ))
# Foreground pg_autoctl steps get what is left of UP_TIMEOUT (create retries for minutes).
autoctl_fg() {
    local left=$(( DEADLINE - $(date +%s) ))
    (( left > 0 )) || die "timed out before: pg_autoctl $*"
    timeout --kill-after=5 "$left" "${RUN_AS[@]}" "${PGENV[@]}" "$PG_AUTOCTL" "$@"
}

mkdir -p "$DIR/logs" "$DIR/xdg/config" "$DIR/xdg/data" "$DIR/xdg/run" "$SOCK_DIR"
chmod 700 "$DIR/xdg/run"
if (( EUID == 0 )); then
    chown postgres: "$DIR" "$SOCK_DIR"
    chown -R postgres: "$DIR/xdg"
fi
as_pg test -w "$DIR" || die "$DIR is not writable by $DB_USER (is every parent directory traversable?)"

UP_OK=0
on_exit() {
    local rc=$?
    (( UP_OK )) && return
    log "up.sh failed (exit $rc); last log lines:"
    tail -n 15 "$DIR"/logs/*.log >&2 2>/dev/null || true
    if [[ ${KEEP_ON_FAILURE:-0} != 1 ]]; then "$HERE/down.sh" "$DIR" >&2 || true; fi
}
trap on_exit EXIT

# --- ports --------------------------------------------------------------------------------
TAKEN=" "
port_free() {
    if command -v ss >/dev/null; then
        ! ss -Hltn "( sport = :$1 )" 2>/dev/null | grep -q .
    else
        ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
    fi
}
# Below the usual ephemeral range (32768+), so no outgoing connection holds the port.
pick_port() {
    local p
    for _ in $(seq 200); do
        p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 12000 ))
        if [[ $TAKEN != *" $p "* ]] && port_free "$p"; then TAKEN+="$p "; echo "$p"; return; fi
    done
    die "no free port found"
}
MONITOR_PORT=${MONITOR_PORT:-$(pick_port)}; TAKEN+="$MONITOR_PORT "
NODE1_PORT=${NODE1_PORT:-$(pick_port)}; TAKEN+="$NODE1_PORT "
NODE2_PORT=${NODE2_PORT:-$(pick_port)}; TAKEN+="$NODE2_PORT "
MONITOR_URI="postgres://autoctl_node@127.0.0.1:$MONITOR_PORT/pg_auto_failover?sslmode=disable"

# --- helpers ------------------------------------------------------------------------------
# The size pg_autoctl derives from the machine's RAM (1/4 of it per instance) is far too much for
# three instances on one box. Appended last, so it wins over the include on line 1.
small_instance_conf() { # small_instance_conf SHARED_BUFFERS
    cat <<EOF

# --- up.sh: small local instance ---
shared_buffers = '$1'
effective_cache_size = '1GB'
maintenance_work_mem = '64MB'
work_mem = '4MB'
wal_keep_size = '256MB'
EOF
}

wait_sql() { # wait_sql WHAT COMMAND...: retries until the command succeeds
    local what=$1; shift
    until "$@" >/dev/null 2>&1; do check_deadline "$what"; sleep 0.1; done
}


# --- monitor ------------------------------------------------------------------------------
log "monitor on 127.0.0.1:$MONITOR_PORT"
COMMON=(--hostname 127.0.0.1 --auth trust --no-ssl --ssl-mode disable --pgctl "$PG_BIN/pg_ctl")
autoctl_fg create monitor --pgdata "$DIR/monitor" --pgport "$MONITOR_PORT" "${COMMON[@]}" \
    >>"$DIR/logs/monitor.log" 2>&1
# create monitor has no --listen; its default is '*'.
autoctl_fg config set --pgdata "$DIR/monitor" postgresql.listen_addresses 127.0.0.1 >>"$DIR/logs/monitor.log" 2>&1
{
    small_instance_conf 32MB
    cat <<EOF

# --- up.sh: fast failover for local tests (milliseconds) ---
pgautofailover.health_check_period = $PAF_HEALTH_CHECK_PERIOD
pgautofailover.health_check_timeout = $PAF_HEALTH_CHECK_TIMEOUT
pgautofailover.health_check_max_retries = $PAF_HEALTH_CHECK_MAX_RETRIES
pgautofailover.health_check_retry_delay = $PAF_HEALTH_CHECK_RETRY_DELAY
pgautofailover.node_considered_unhealthy_timeout = $PAF_NODE_UNHEALTHY
pgautofailover.primary_demote_timeout = $PAF_PRIMARY_DEMOTE_TIMEOUT
pgautofailover.startup_grace_period = $PAF_STARTUP_GRACE
EOF
} | as_pg tee -a "$DIR/monitor/postgresql.conf" >/dev/null
start_autoctl monitor run --pgdata "$DIR/monitor"
wait_sql "monitor does not answer" monitor_sql "SELECT 1 FROM pgautofailover.formation"

# --- nodes --------------------------------------------------------------------------------
NODE_ARGS=(--listen 127.0.0.1 --formation "$FORMATION" --monitor "$MONITOR_URI" --dbname "$DB_NAME" "${COMMON[@]}")
set_keeper_timeouts() {
    autoctl_fg config set --pgdata "$DIR/$1" timeout.network_partition_timeout "$PAF_NETWORK_PARTITION" \
        >>"$DIR/logs/$1.log" 2>&1
}

log "node1 (primary) on 127.0.0.1:$NODE1_PORT"
autoctl_fg create postgres --pgdata "$DIR/node1" --pgport "$NODE1_PORT" --name node1 "${NODE_ARGS[@]}" \
    >>"$DIR/logs/node1.log" 2>&1
set_keeper_timeouts node1
small_instance_conf 128MB | as_pg tee -a "$DIR/node1/postgresql.conf" >/dev/null # node2 gets it by pg_basebackup
if [[ -n ${PAF_INCLUDE:-} ]]; then
    as_pg test -r "$PAF_INCLUDE" || die "PAF_INCLUDE=$PAF_INCLUDE is not readable by $DB_USER"
    echo "include '$(cd "$(dirname "$PAF_INCLUDE")" && pwd -P)/$(basename "$PAF_INCLUDE")'" | as_pg tee -a "$DIR/node1/postgresql.conf" >/dev/null
fi
start_autoctl node1 run --pgdata "$DIR/node1"

# The standby registers, waits for node1 to accept it, clones it and runs on: with a separate
# create then run, its postgres would stop and start again, the monitor would see it fail a
# health check and send it back to catchingup for a few seconds.
log "node2 (standby) on 127.0.0.1:$NODE2_PORT"
start_autoctl node2 create postgres --pgdata "$DIR/node2" --pgport "$NODE2_PORT" --name node2 "${NODE_ARGS[@]}" --run

log "waiting for node1 primary, node2 secondary"
want="node1:primary/primary node2:secondary/secondary"
until [[ $(node_states) == "$want" ]]; do check_deadline "states: $(node_states)"; sleep 0.1; done
set_keeper_timeouts node2 # now that create is done with its file; the running keeper reloads it

# Writes must wait for the standby: pg_auto_failover sets synchronous_standby_names to
# 'ANY 1 (pgautofailover_standby_2)' (number_sync_standbys 0, replication-quorum true).
SYNC_STATE=
until [[ $SYNC_STATE == sync || $SYNC_STATE == quorum ]]; do
    check_deadline "standby not synchronous (sync_state '$SYNC_STATE')"
    sleep 0.1
    SYNC_STATE=$(node_sql "$NODE1_PORT" "SELECT sync_state FROM pg_stat_replication LIMIT 1" 2>/dev/null || true)
done
SYNC_NAMES=$(node_sql "$NODE1_PORT" "SHOW synchronous_standby_names")
PG_READY=$(now)

# --- services -----------------------------------------------------------------------------
CONNECTION_STRING="Host=127.0.0.1:$NODE1_PORT,127.0.0.1:$NODE2_PORT;Username=$DB_USER;Database=$DB_NAME;Target Session Attributes=primary"
PSQL_CONNINFO="host=127.0.0.1,127.0.0.1 port=$NODE1_PORT,$NODE2_PORT user=$DB_USER dbname=$DB_NAME target_session_attrs=read-write"
SERVICE_URLS=
if (( SERVICES > 0 )); then
    read -r -a pinned <<<"${SERVICE_PORTS:-}"
    dll=$(cd "$(dirname "$SERVICE_DLL")" && pwd)/$(basename "$SERVICE_DLL")
    # One fingerprint key for every instance of the formation: a retry replays on any of them.
    fingerprint_key=${Idempotency__FingerprintKey:-$(head -c 32 /dev/urandom | base64)}
    for i in $(seq "$SERVICES"); do
        port=${pinned[i-1]:-$(pick_port)}; TAKEN+="$port "
        url=http://127.0.0.1:$port
        log "service$i on $url"
        # Content root = the dll's folder, so its appsettings.json is read.
        # exec: the pid is dotnet's, and no shell stays behind holding our stdout open.
        (
            cd "$(dirname "$dll")"
            export Storage__Provider=Postgres ConnectionStrings__Postgres="$CONNECTION_STRING"
            # A deployed service grants nothing by default: the operator's grants, or for this local
            # formation API_KEY on every operation and organization, said on purpose.
            export Authorization__Grants__API_KEY__0="${Authorization__Grants__API_KEY__0:-*}" \
                Authorization__Orgs__API_KEY__0="${Authorization__Orgs__API_KEY__0:-*}" AllowedHosts="${AllowedHosts:-127.0.0.1;localhost}" \
                Idempotency__FingerprintKey="$fingerprint_key"
            exec setsid nohup dotnet "$dll" --urls "$url" >>"$DIR/logs/service$i.log" 2>&1 </dev/null
        ) &
        echo $! >"$DIR/service$i.pid"
        SERVICE_URLS+=${SERVICE_URLS:+,}$url
    done
    for i in $(seq "$SERVICES"); do
        url=$(cut -d, -f"$i" <<<"$SERVICE_URLS")
        until curl -fsS -o /dev/null --max-time 2 "$url/health/ready" 2>/dev/null; do
            alive "$(cat "$DIR/service$i.pid")" || die "service$i exited, see $DIR/logs/service$i.log"
            check_deadline "service$i not ready at $url/health/ready"
            sleep 0.2
        done
    done
fi

# --- report -------------------------------------------------------------------------------
END=$(now)
UP_OK=1
{
    echo "DIR=$DIR"
    echo "MONITOR_PORT=$MONITOR_PORT"
    echo "MONITOR_URI=$MONITOR_URI"
    echo "MONITOR_DATA=$DIR/monitor"
    echo "NODE1_PORT=$NODE1_PORT"
    echo "NODE1_DATA=$DIR/node1"
    echo "NODE2_PORT=$NODE2_PORT"
    echo "NODE2_DATA=$DIR/node2"
    echo "DB_NAME=$DB_NAME"
    echo "DB_USER=$DB_USER"
    echo "SOCK_DIR=$SOCK_DIR"
    echo "SYNC_STATE=$SYNC_STATE"
    echo "SYNCHRONOUS_STANDBY_NAMES=$SYNC_NAMES"
    echo "CONNECTION_STRING=$CONNECTION_STRING"
    echo "PSQL_CONNINFO=$PSQL_CONNINFO"
    echo "SERVICE_URLS=$SERVICE_URLS"
    echo "PG_READY_SECONDS=$(elapsed "$START" "$PG_READY")"
    echo "UP_SECONDS=$(elapsed "$START" "$END")"
} | tee "$DIR/paf.env"
# The same, quoted for bash: . DIR/paf.sh
while IFS= read -r line; do printf '%s=%q\n' "${line%%=*}" "${line#*=}"; done <"$DIR/paf.env" >"$DIR/paf.sh"
as_pg "$PG_AUTOCTL" show state --pgdata "$DIR/monitor" >&2 2>/dev/null || true
