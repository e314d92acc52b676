#!/usr/bin/env bash
# backup.sh DIR [--type full|diff|incr]
#
# Takes a backup (full by default) of whichever node of DIR/pgbackrest.conf is the primary now,
# into DIR/repo, then expires what the retention (RETENTION_FULL full backups, setup.sh) no
# longer needs. The primary keeps taking writes meanwhile. Prints KEY=VALUE lines:
#   BACKUP_LABEL  BACKUP_TYPE  BACKUP_START_UTC  BACKUP_STOP_UTC  BACKUP_SECONDS  BACKUPS (how many
#   the repository holds now)
# A restore to a time needs a backup that ended before that time, and the WAL from there on.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/common.sh"

DIR_ARG= TYPE=full
while (( $# )); do
    case $1 in
        --type) TYPE=${2:?--type full|diff|incr}; shift 2 ;;
        --type=*) TYPE=${1#*=}; shift ;;
        -h|--help) sed -n 2,9p "$0"; exit 0 ;;
        -*) die "unknown option $1" ;;
        *) DIR_ARG=$1; shift ;;
    esac
done
[[ $TYPE == full || $TYPE == diff || $TYPE == incr ]] || die "--type full, diff or incr"
[[ -n $DIR_ARG && -f $DIR_ARG/pgbackrest.env ]] || die "usage: $0 DIR --type full (DIR set up by setup.sh)"
pbr_init "$DIR_ARG"
require_pgbackrest
load_env "$DIR/pgbackrest.env"
[[ -n ${NODES:-} ]] || die "$DIR has no nodes: run setup.sh $DIR --paf PAF_DIR (or --node) first"

start=$(now)
log "backup --type=$TYPE"
pbr backup --type="$TYPE" >/dev/null
stop=$(now)

# The newest backup of the repository is the one just taken: "full backup: 20261205-133419F".
summary=$(pbr info --set="$(pbr info | sed -n 's/^ *\(full\|diff\|incr\) backup: //p' | tail -1)")
label=$(sed -n 's/^ *\(full\|diff\|incr\) backup: //p' <<<"$summary" | tail -1)
[[ -n $label ]] || die "the repository lists no backup after the backup command"
stamps=$(sed -n 's/^ *timestamp start\/stop: //p' <<<"$summary" | tail -1)
echo "BACKUP_LABEL=$label"
echo "BACKUP_TYPE=$TYPE"
echo "BACKUP_START_UTC=$(date -u -d "${stamps% / *}" +%Y-%m-%dT%H:%M:%SZ)"
echo "BACKUP_STOP_UTC=$(date -u -d "${stamps#* / }" +%Y-%m-%dT%H:%M:%SZ)"
echo "BACKUP_SECONDS=$(elapsed "$start" "$stop")"
echo "BACKUPS=$(pbr info | grep -cE '^ *(full|diff|incr) backup: ')"
