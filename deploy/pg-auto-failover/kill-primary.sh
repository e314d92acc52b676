#!/usr/bin/env bash
# kill-primary.sh DIR
#
# Asks the monitor which node is the primary and SIGKILLs that node's whole pg_autoctl process
# tree and its postgres processes at once, like the loss of its machine (killing the postmaster
# alone is not enough: its keeper would restart it). Prints on stdout:
#   KILLED_NODE=node1  KILLED_PORT=...  KILLED_AT=<unix seconds, ms>  KILLED_AT_UTC=<ISO 8601>
# The monitor then promotes the other node; restart-node.sh DIR NODE brings the killed one back
# as a standby.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/common.sh"

[[ -n ${1:-} && -d $1 ]] || die "usage: $0 DIR (a folder up.sh started)"
paf_init "$1"
load_state || die "no $DIR/paf.env: was up.sh DIR run?"

# The node the monitor holds as primary, both as reported by its keeper and as its goal.
primary=
for _ in $(seq 50); do
    primary=$(monitor_sql "SELECT nodename || ' ' || nodeport FROM pgautofailover.node
                            WHERE formationid = '$FORMATION'
                              AND reportedstate IN ('single', 'wait_primary', 'primary', 'join_primary', 'apply_settings')
                              AND goalstate IN ('single', 'wait_primary', 'primary', 'join_primary', 'apply_settings')
                            ORDER BY nodeid LIMIT 1" 2>/dev/null || true)
    [[ -n $primary ]] && break
    sleep 0.1
done
[[ -n $primary ]] || die "the monitor names no primary (failover in progress?)"
read -r name port <<<"$primary"
[[ -d $DIR/$name ]] || die "monitor names $name, which is not under $DIR"
[[ -n $(autoctl_pid "$name")$(postmaster_pid "$DIR/$name") ]] || die "$name ($port) is not running"

at=$(now)
kill_node_hard "$name"
echo "KILLED_NODE=$name"
echo "KILLED_PORT=$port"
echo "KILLED_AT=$at"
echo "KILLED_AT_UTC=$(date -u -d "@$at" +%Y-%m-%dT%H:%M:%S.%3NZ)"
