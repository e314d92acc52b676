#!/usr/bin/env bash
# down.sh DIR [--purge]
#
# Stops what up.sh started under DIR: the services, both nodes, then the monitor (SIGTERM, then
# SIGKILL after STOP_TIMEOUT seconds, 15 by default). Safe to call twice, and after a failed or
# partial up.sh. --purge also deletes the data, logs and state up.sh wrote, so that up.sh DIR can
# run again.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/common.sh"

DIR_ARG= PURGE=0
for a in "$@"; do
    case $a in
        --purge) PURGE=1 ;;
        -*) die "unknown option $a" ;;
        *) DIR_ARG=$a ;;
    esac
done
[[ -n $DIR_ARG ]] || die "usage: $0 DIR [--purge]"
[[ -d $DIR_ARG ]] || exit 0
paf_init "$DIR_ARG"
STOP_TIMEOUT=${STOP_TIMEOUT:-15}

# wait_gone SECONDS PID...: 0 once none of the pids is alive, 1 on timeout.
wait_gone() {
    local end=$(( $(date +%s) + $1 )) p any; shift
    while :; do
        any=0
        for p in "$@"; do alive "$p" && any=1; done
        (( any )) || return 0
        (( $(date +%s) < end )) || return 1
        sleep 0.1
    done
}

# Services first, so they do not log a storm of connection errors while the database goes.
svc=()
for f in "$DIR"/service*.pid; do
    [[ -f $f ]] || continue
    p=$(cat "$f")
    if alive "$p" && tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -q dotnet; then svc+=("$p"); fi
done
if (( ${#svc[@]} )); then
    log "stopping services ${svc[*]}"
    kill -TERM "${svc[@]}" 2>/dev/null || true
    wait_gone "$STOP_TIMEOUT" "${svc[@]}" || { log "services still up, SIGKILL"; kill -KILL "${svc[@]}" 2>/dev/null || true; }
fi

# stop_nodes NAME...: pg_autoctl stops its postgres (fast mode) on SIGTERM.
stop_nodes() {
    local n pids=() p
    for n in "$@"; do
        p=$(autoctl_pid "$n")
        [[ -n $p ]] && pids+=("$p")
        # A postmaster whose keeper is gone (killed): stop it directly.
        if [[ -z $p && -n $(postmaster_pid "$DIR/$n") ]]; then
            as_pg "$PG_BIN/pg_ctl" stop -D "$DIR/$n" -m fast -t "$STOP_TIMEOUT" >/dev/null 2>&1 || true
        fi
    done
    if (( ${#pids[@]} )); then
        log "stopping $* (pg_autoctl ${pids[*]})"
        kill -TERM "${pids[@]}" 2>/dev/null || true
        wait_gone "$STOP_TIMEOUT" "${pids[@]}" || log "$* still up, SIGKILL"
    fi
    for n in "$@"; do kill_node_hard "$n"; done
}
stop_nodes node1 node2
stop_nodes monitor

if (( PURGE )); then
    rm -rf "$DIR"/{monitor,node1,node2,backup,xdg,logs,sock} "$DIR"/paf.env "$DIR"/paf.sh "$DIR"/*.pid
    [[ $SOCK_DIR == "$DIR/sock" ]] || rm -rf "$SOCK_DIR"
    log "purged $DIR"
fi
