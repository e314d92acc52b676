#!/usr/bin/env bash
# setup.sh DIR [--paf PAF_DIR] [--node PGDATA:PORT[:SOCKET_DIR]]... [--restart]
#
# Continuous archiving with pgBackRest for every node that can become primary, into one
# repository under DIR (stanza "customers", or STANZA). Writes:
#   DIR/pgbackrest.conf  the repository (DIR/repo), retention, and one pgN-* entry per node;
#   DIR/archive.conf     archive_mode, archive_command, archive_timeout, for postgresql.conf.
# With nodes (--paf reads node1 and node2 from PAF_DIR/paf.env, as deploy/pg-auto-failover/up.sh
# wrote it; --node names one more), it also adds "include 'DIR/archive.conf'" to each node's
# postgresql.conf, reloads the running ones, creates the stanza on the primary and runs
# pgbackrest check, which switches WAL and waits until the segment is in the repository.
# Without nodes it only writes the two files: the order for pg_auto_failover is
#   setup.sh DIR; PAF_INCLUDE=DIR/archive.conf up.sh PAF_DIR; setup.sh DIR --paf PAF_DIR
# because archive_mode takes a restart, which a running formation would see as a failure.
# --restart restarts a running node whose archive_mode is still off (for a lone server only).
#
# Prints KEY=VALUE lines (also in DIR/pgbackrest.env; DIR/pgbackrest.sh quoted for bash). Safe to
# call twice; without nodes, a second call keeps the nodes of the first. Runs as root (switching
# to postgres) or as the user the servers run as.
#
# Environment: STANZA (customers), PG_BIN, PGBACKREST, ARCHIVE_TIMEOUT (seconds, 60),
# RETENTION_FULL (full backups kept, 2).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/common.sh"

DIR_ARG= PAF= RESTART=0
NODES=()
while (( $# )); do
    case $1 in
        --paf) PAF=${2:?--paf PAF_DIR}; shift 2 ;;
        --node) NODES+=("${2:?--node PGDATA:PORT[:SOCKET_DIR]}"); shift 2 ;;
        --restart) RESTART=1; shift ;;
        -h|--help) sed -n 2,25p "$0"; exit 0 ;;
        -*) die "unknown option $1" ;;
        *) [[ -z $DIR_ARG ]] || die "one DIR only"; DIR_ARG=$1; shift ;;
    esac
done
[[ -n $DIR_ARG ]] || die "usage: $0 DIR [--paf PAF_DIR] [--node PGDATA:PORT[:SOCKET_DIR]]..."
pbr_init "$DIR_ARG"
require_pgbackrest
ARCHIVE_TIMEOUT=${ARCHIVE_TIMEOUT:-60}
RETENTION_FULL=${RETENTION_FULL:-2}
[[ $ARCHIVE_TIMEOUT =~ ^[0-9]+$ && $RETENTION_FULL =~ ^[1-9][0-9]*$ ]] || die "ARCHIVE_TIMEOUT and RETENTION_FULL want whole numbers"
START=$(now)

if [[ -n $PAF ]]; then
    [[ -f $PAF/paf.env ]] || die "no $PAF/paf.env: was deploy/pg-auto-failover/up.sh $PAF run?"
    paf() { env_value "$PAF/paf.env" "$1"; }
    NODES+=("$(paf NODE1_DATA):$(paf NODE1_PORT):$(paf SOCK_DIR)" "$(paf NODE2_DATA):$(paf NODE2_PORT):$(paf SOCK_DIR)")
fi
# Without nodes on the command line, the ones of the last call.
if (( ${#NODES[@]} == 0 )) && [[ -f $DIR/nodes ]]; then mapfile -t NODES <"$DIR/nodes"; fi

mkdir -p "$DIR/repo" "$DIR/log" "$DIR/lock" "$DIR/spool"
chmod 750 "$DIR/repo"
(( EUID == 0 )) && chown postgres: "$DIR" "$DIR/repo" "$DIR/log" "$DIR/lock" "$DIR/spool"
as_pg test -w "$DIR/repo" || die "$DIR/repo is not writable by $DB_USER (is every parent directory traversable?)"

# --- the nodes ----------------------------------------------------------------------------
declare -a N_DATA=() N_PORT=() N_SOCK=()
for n in "${NODES[@]}"; do
    IFS=: read -r data port sock <<<"$n"
    [[ -n $data && $port =~ ^[0-9]+$ ]] || die "--node wants PGDATA:PORT[:SOCKET_DIR], got '$n'"
    [[ -d $data ]] || die "no data directory $data"
    data=$(cd "$data" && pwd -P)
    # The socket directory: as given, else the running postmaster's (line 5 of postmaster.pid).
    if [[ -z $sock ]]; then
        sock=$(sed -n 5p "$data/postmaster.pid" 2>/dev/null || true)
        sock=${sock:-/var/run/postgresql}
    fi
    N_DATA+=("$data"); N_PORT+=("$port"); N_SOCK+=("$sock")
done
for i in "${!N_DATA[@]}"; do echo "${N_DATA[i]}:${N_PORT[i]}:${N_SOCK[i]}"; done >"$DIR/nodes"

# --- archive.conf -------------------------------------------------------------------------
# %p is relative to the data directory, and archive-push insists that its pg1-path be the
# directory it runs in: "$(pwd -P)" gives each node its own, so one file serves every node (and
# a standby cloned by pg_basebackup brings the include line along).
{
    echo "# Written by deploy/pgbackrest/setup.sh. WAL archiving into $DIR/repo, stanza $STANZA."
    echo "# archive_mode = on archives on the primary only: a standby starts to archive when it is promoted."
    echo "archive_mode = on"
    echo "archive_command = '$PGBACKREST --config=$CONF --stanza=$STANZA --pg1-path=\"\$(pwd -P)\" archive-push %p'"
    echo "# A quiet primary still closes a segment this often: at most this much acknowledged data is"
    echo "# only on the nodes and not yet in the repository."
    echo "archive_timeout = ${ARCHIVE_TIMEOUT}s"
} >"$DIR/archive.conf.new"
mv "$DIR/archive.conf.new" "$DIR/archive.conf"

# --- pgbackrest.conf ----------------------------------------------------------------------
{
    echo "# Written by deploy/pgbackrest/setup.sh; pgbackrest --config=$CONF --stanza=$STANZA ..."
    echo "[global]"
    echo "repo1-path=$DIR/repo"
    echo "# Full backups kept; WAL older than the oldest kept full backup is expired with it."
    echo "repo1-retention-full=$RETENTION_FULL"
    echo "log-path=$DIR/log"
    echo "lock-path=$DIR/lock"
    echo "spool-path=$DIR/spool"
    echo "log-level-console=warn"
    echo "log-level-file=info"
    echo "# A backup starts with an immediate checkpoint instead of waiting for the next one."
    echo "start-fast=y"
    echo
    echo "[$STANZA]"
    for i in "${!N_DATA[@]}"; do
        k=$((i + 1))
        echo "pg$k-path=${N_DATA[i]}"
        echo "pg$k-port=${N_PORT[i]}"
        echo "pg$k-socket-path=${N_SOCK[i]}"
        echo "pg$k-user=$DB_USER"
    done
} >"$DIR/pgbackrest.conf.new"
mv "$DIR/pgbackrest.conf.new" "$CONF"
(( EUID == 0 )) && chown postgres: "$DIR/archive.conf" "$CONF" "$DIR/nodes"

# --- each node archives -------------------------------------------------------------------
PRIMARY_PORT= PRIMARY_DATA=
for i in "${!N_DATA[@]}"; do
    data=${N_DATA[i]} port=${N_PORT[i]}
    include="include '$DIR/archive.conf' # deploy/pgbackrest: WAL archiving, every node"
    if ! grep -qF "include '$DIR/archive.conf'" "$data/postgresql.conf"; then
        log "archive.conf included in $data/postgresql.conf"
        echo "$include" | as_pg tee -a "$data/postgresql.conf" >/dev/null
    fi
    if [[ -z $(postmaster_pid "$data") ]]; then
        log "$data is not running: it archives once it runs as primary"
        continue
    fi
    as_pg "$PG_BIN/pg_ctl" reload -D "$data" >/dev/null
    sleep 0.2
    mode=$(sql_at "$port" "SHOW archive_mode") || die "cannot connect to 127.0.0.1:$port ($data)"
    if [[ $mode == off ]]; then
        (( RESTART )) || die "archive_mode is still off on $data: it takes a restart. A lone server: setup.sh --restart. pg_auto_failover: start the formation with PAF_INCLUDE=$DIR/archive.conf, or restart the standby, perform a switchover, restart the other node"
        log "restarting $data for archive_mode"
        as_pg "$PG_BIN/pg_ctl" restart -D "$data" -m fast -w -t 60 >/dev/null
    fi
    if [[ $(sql_at "$port" "SELECT NOT pg_is_in_recovery()") == t ]]; then PRIMARY_PORT=$port PRIMARY_DATA=$data; fi
done

if (( ${#N_DATA[@]} )); then
    [[ -n $PRIMARY_PORT ]] || die "none of the nodes is a running primary: the stanza is created on the primary"
    log "stanza-create $STANZA (primary $PRIMARY_DATA)"
    pbr stanza-create >/dev/null
    log "check: WAL switch on the primary, wait until the segment is archived"
    pbr check >/dev/null
fi

{
    echo "DIR=$DIR"
    echo "CONFIG=$CONF"
    echo "STANZA=$STANZA"
    echo "REPO_PATH=$DIR/repo"
    echo "ARCHIVE_CONF=$DIR/archive.conf"
    echo "ARCHIVE_TIMEOUT=$ARCHIVE_TIMEOUT"
    echo "RETENTION_FULL=$RETENTION_FULL"
    echo "NODES=$(tr '\n' ' ' <"$DIR/nodes" | sed 's/ $//')"
    echo "PRIMARY_PORT=$PRIMARY_PORT"
    echo "PRIMARY_DATA=$PRIMARY_DATA"
    echo "SETUP_SECONDS=$(elapsed "$START" "$(now)")"
} | tee "$DIR/pgbackrest.env"
while IFS= read -r line; do printf '%s=%q\n' "${line%%=*}" "${line#*=}"; done <"$DIR/pgbackrest.env" >"$DIR/pgbackrest.sh"
