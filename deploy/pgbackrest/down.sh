#!/usr/bin/env bash
# down.sh DIR [--purge]
#
# Stops the drill copy that restore-drill.sh DIR started. Safe to call twice. --purge also deletes
# what setup.sh, backup.sh and restore-drill.sh wrote under DIR: the repository (every backup and
# archived WAL), the configuration, logs and the drill copy. It does not touch the live nodes: a
# node whose postgresql.conf includes DIR/archive.conf no longer starts once it is purged, on
# purpose (a node that silently stopped archiving would be worse); remove the include line first.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/common.sh"

DIR_ARG= PURGE=0
for a in "$@"; do
    case $a in
        --purge) PURGE=1 ;;
        -h|--help) sed -n 2,8p "$0"; exit 0 ;;
        -*) die "unknown option $a" ;;
        *) DIR_ARG=$a ;;
    esac
done
[[ -n $DIR_ARG ]] || die "usage: $0 DIR [--purge]"
[[ -d $DIR_ARG ]] || exit 0
pbr_init "$DIR_ARG"

DRILL_DATA=
load_env "$DIR/drill.env" || true
if [[ -n $DRILL_DATA && -n $(postmaster_pid "$DRILL_DATA") ]]; then
    log "stopping the drill copy ($DRILL_DATA)"
    as_pg "$PG_BIN/pg_ctl" stop -D "$DRILL_DATA" -m fast -w -t "${STOP_TIMEOUT:-15}" >/dev/null \
        || as_pg "$PG_BIN/pg_ctl" stop -D "$DRILL_DATA" -m immediate -w >/dev/null || true
fi

if (( PURGE )); then
    rm -rf "$DIR"/{repo,log,lock,spool,drill} "$DIR"/{pgbackrest.conf,archive.conf,nodes,pgbackrest.env,pgbackrest.sh,drill.env}
    [[ -n $DRILL_DATA && $DRILL_DATA != "$DIR"/* ]] && rm -rf "$DRILL_DATA"
    log "purged $DIR"
fi
