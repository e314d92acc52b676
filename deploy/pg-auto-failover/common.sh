# Shared by up.sh, kill-primary.sh, down.sh. Sourced, not run.
# Local test shape only: trust auth on 127.0.0.1, no TLS. Never expose it.

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_AUTOCTL=${PG_AUTOCTL:-$(command -v pg_autoctl || echo /usr/bin/pg_autoctl)}
FORMATION=default

log() { printf '%s %s\n' "$(date +%H:%M:%S.%N | cut -c1-12)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now() { date +%s.%N | cut -c1-14; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# paf_init DIR: sets DIR (absolute), RUN_AS, DB_USER and cds into DIR.
paf_init() {
    [[ -n ${1:-} ]] || die "usage: $0 DIR"
    mkdir -p "$1"
    DIR=$(cd "$1" && pwd -P)
    # pg_autoctl and postgres refuse to run as root.
    if (( EUID == 0 )); then
        id postgres >/dev/null 2>&1 || die "no postgres user"
        RUN_AS=(runuser -u postgres --)
        DB_USER=postgres
    else
        RUN_AS=()
        DB_USER=$(id -un)
    fi
    # Unix sockets go to our own directory: /var/run/postgresql is only writable by postgres,
    # and a socket path must stay under 108 bytes.
    SOCK_DIR=$DIR/sock
    if (( ${#SOCK_DIR} > 80 )); then
        SOCK_DIR=/tmp/paf-sock-$(printf '%s' "$DIR" | md5sum | cut -c1-12)
    fi
    PGENV=(env XDG_CONFIG_HOME="$DIR/xdg/config" XDG_DATA_HOME="$DIR/xdg/data" XDG_RUNTIME_DIR="$DIR/xdg/run"
        PG_REGRESS_SOCK_DIR="$SOCK_DIR" PGHOST="$SOCK_DIR" PATH="$PG_BIN:$PATH")
    cd "$DIR"
}

# Runs a command as the database OS user, with pg_autoctl's config, state and pid files kept
# under DIR (XDG_*) instead of ~/.config, ~/.local/share and a /tmp/pg_autoctl shared by all users.
# PG_REGRESS_SOCK_DIR makes pg_autoctl start postgres with -k (our socket directory).
as_pg() { "${RUN_AS[@]}" "${PGENV[@]}" "$@"; }

# pg_autoctl writes its supervisor pid as the first line of this file while it runs.
autoctl_pidfile() { echo "$DIR/xdg/run/pg_autoctl$DIR/$1/pg_autoctl.pid"; }

# psql against the monitor: -X -qAt, one value per line.
monitor_sql() {
    psql -X -qAt "host=127.0.0.1 port=$MONITOR_PORT dbname=pg_auto_failover user=autoctl_node connect_timeout=2" -c "$1"
}

node_sql() { # node_sql PORT SQL
    psql -X -qAt "host=127.0.0.1 port=$1 dbname=$DB_NAME user=$DB_USER connect_timeout=2" -c "$2"
}

# Loads the KEY=VALUE lines up.sh wrote.
load_state() {
    [[ -f $DIR/paf.env ]] || return 1
    local line
    while IFS= read -r line; do
        [[ $line == *=* ]] && declare -g "${line%%=*}=${line#*=}"
    done <"$DIR/paf.env"
}

# A zombie is not alive (in a container PID 1 may never reap it).
alive() { local s; [[ -n ${1:-} ]] && s=$(ps -o stat= -p "$1" 2>/dev/null) && [[ $s != Z* ]]; }

# descendants PID: PID and all its descendants, parents first.
descendants() {
    local p=$1 c
    echo "$p"
    for c in $(ps -o pid= --ppid "$p" 2>/dev/null); do descendants "$c"; done
}

# Pid of the postmaster of data directory $1 if it runs (checked against its command line,
# so a recycled pid is not taken for it).
postmaster_pid() {
    local f=$1/postmaster.pid p
    [[ -r $f ]] || return 0
    p=$(head -1 "$f" 2>/dev/null || true)
    if alive "$p" && tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qF -- "$1"; then echo "$p"; fi
}

# Pid of the pg_autoctl supervisor of node NAME ($DIR/NAME) if it runs: the pid up.sh stored
# in DIR/NAME.pid, else pg_autoctl's own pid file.
autoctl_pid() {
    local p
    for p in $(cat "$DIR/$1.pid" 2>/dev/null) $(head -1 "$(autoctl_pidfile "$1")" 2>/dev/null); do
        if alive "$p" && tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qF -- "--pgdata $DIR/$1 "; then
            echo "$p"; return 0
        fi
    done
}

check_deadline() { (( $(date +%s) < DEADLINE )) || die "timed out: $1"; }

# start_autoctl NAME ARGS...: runs pg_autoctl ARGS in the background, detached from our session
# and our stdout (so a caller reading our stdout to the end does not wait on it), then stores the
# pid of the pg_autoctl supervisor in DIR/NAME.pid.
start_autoctl() {
    local name=$1; shift
    setsid nohup "${RUN_AS[@]}" "${PGENV[@]}" "$PG_AUTOCTL" "$@" >>"$DIR/logs/$name.log" 2>&1 </dev/null &
    local launcher=$! pid=
    until pid=$(autoctl_pid "$name") && [[ -n $pid ]]; do
        alive "$launcher" || die "pg_autoctl for $name exited at once, see $DIR/logs/$name.log"
        check_deadline "pg_autoctl for $name did not start"
        sleep 0.1
    done
    echo "$pid" >"$DIR/$name.pid"
}

node_states() {
    monitor_sql "SELECT string_agg(nodename || ':' || reportedstate || '/' || goalstate, ' ' ORDER BY nodeid)
                   FROM pgautofailover.node WHERE formationid = '$FORMATION'" 2>/dev/null || true
}

# kill_node_hard NAME: SIGKILL the node's pg_autoctl tree and its postgres tree at once.
# The keeper must die too, or it would restart the postmaster.
kill_node_hard() {
    local data=$DIR/$1 pids=() p
    for p in $(autoctl_pid "$1") $(postmaster_pid "$data"); do
        mapfile -t -O "${#pids[@]}" pids < <(descendants "$p")
    done
    (( ${#pids[@]} )) || return 0
    kill -KILL "${pids[@]}" 2>/dev/null || true
    for _ in $(seq 50); do
        local any=0
        for p in "${pids[@]}"; do alive "$p" && any=1; done
        (( any )) || return 0
        sleep 0.1
    done
}
