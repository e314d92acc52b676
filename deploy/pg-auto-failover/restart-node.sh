#!/usr/bin/env bash
# restart-node.sh DIR NODE   (NODE: node1 or node2)
#
# Starts again the pg_autoctl keeper of a node that kill-primary.sh (or anything else) stopped,
# and waits (UP_TIMEOUT seconds, 60) until the monitor has it as secondary with the other node
# primary: pg_autoctl rewinds or re-clones the old primary by itself. Prints RESTARTED_NODE=,
# RESTARTED_PORT= and READY_SECONDS=.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$HERE/common.sh"

[[ -n ${1:-} && -d $1 && ${2:-} =~ ^node[12]$ ]] || die "usage: $0 DIR node1|node2"
paf_init "$1"
load_state || die "no $DIR/paf.env: was up.sh DIR run?"
name=$2 other=node1
[[ $name == node1 ]] && other=node2
[[ -z $(autoctl_pid "$name") ]] || die "$name is running already"
[[ -z $(postmaster_pid "$DIR/$name") ]] || die "$name has a postmaster without its keeper: run down.sh"

START=$(now)
DEADLINE=$(( ${START%.*} + ${UP_TIMEOUT:-60} ))
start_autoctl "$name" run --pgdata "$DIR/$name"
want="$name:secondary/secondary $other:primary/primary"
[[ $name == node2 ]] && want="$other:primary/primary $name:secondary/secondary"
until [[ $(node_states) == "$want" ]]; do check_deadline "states: $(node_states)"; sleep 0.1; done
port=$NODE1_PORT
[[ $name == node2 ]] && port=$NODE2_PORT
echo "RESTARTED_NODE=$name"
echo "RESTARTED_PORT=$port"
echo "READY_SECONDS=$(elapsed "$START" "$(now)")"
