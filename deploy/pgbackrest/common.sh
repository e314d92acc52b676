# Shared by setup.sh, backup.sh, restore-drill.sh, down.sh. Sourced, not run.
# Local test shape only: trust auth on 127.0.0.1, a repository in a local folder. See README.md.

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PGBACKREST=${PGBACKREST:-$(command -v pgbackrest || echo /usr/bin/pgbackrest)}

log() { printf '%s %s\n' "$(date +%H:%M:%S.%N | cut -c1-12)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
now() { date +%s.%N | cut -c1-14; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
alive() { local s; [[ -n ${1:-} ]] && s=$(ps -o stat= -p "$1" 2>/dev/null) && [[ $s != Z* ]]; }

# pbr_init DIR: sets DIR (absolute, physical), CONF, STANZA, RUN_AS, DB_USER and cds into DIR.
# DIR holds everything of one repository: pgbackrest.conf, archive.conf, repo/, log/, lock/, spool/.
pbr_init() {
    [[ -n ${1:-} ]] || die "usage: $0 DIR"
    [[ $1 != *[[:space:]]* ]] || die "DIR must not contain spaces"
    mkdir -p "$1"
    DIR=$(cd "$1" && pwd -P)
    CONF=$DIR/pgbackrest.conf
    STANZA=${STANZA:-customers}
    # postgres and pgbackrest refuse to run as root; archive-push runs as the server's user anyway,
    # so every file of the repository belongs to that user.
    if (( EUID == 0 )); then
        id postgres >/dev/null 2>&1 || die "no postgres user"
        RUN_AS=(runuser -u postgres --)
        DB_USER=postgres
    else
        RUN_AS=()
        DB_USER=$(id -un)
    fi
    cd "$DIR"
}

as_pg() { "${RUN_AS[@]}" "$@"; }

require_pgbackrest() {
    [[ -x $PGBACKREST ]] || die "pgbackrest not found (Debian: apt-get install pgbackrest)"
}

# pbr COMMAND [OPTIONS]: pgbackrest with this DIR's config and stanza, as the database user.
# Console output at warn level goes to stderr; the detailed log is DIR/log/<stanza>-<command>.log.
pbr() {
    as_pg "$PGBACKREST" --config="$CONF" --stanza="$STANZA" "$@"
}

# Loads KEY=VALUE lines from FILE (split at the first '=').
load_env() {
    [[ -f $1 ]] || return 1
    local line
    while IFS= read -r line; do
        [[ $line == *=* ]] && declare -g "${line%%=*}=${line#*=}"
    done <"$1"
}

# env_value FILE KEY: the value of one KEY=VALUE line of FILE.
env_value() { sed -n "s/^$2=//p" "$1" | tail -1; }

# psql as the database user against 127.0.0.1:PORT, one value per line.
sql_at() { # sql_at PORT SQL
    psql -X -qAt "host=127.0.0.1 port=$1 dbname=postgres user=$DB_USER connect_timeout=2" -c "$2"
}

# Pid of the postmaster of data directory $1 if it runs (checked against its command line).
postmaster_pid() {
    local f=$1/postmaster.pid p
    [[ -r $f ]] || return 0
    p=$(head -1 "$f" 2>/dev/null || true)
    if alive "$p" && tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | grep -qF -- "$1"; then echo "$p"; fi
}

# The repository's JSON summary (pgbackrest info), for the scripts that report on it.
info_json() { pbr info --output=json 2>/dev/null; }
