# Shared by bench/run.sh and bench/noisy-neighbour.sh (sourced, not run).
log() { echo "== $*" >&2; }

# A port on 127.0.0.1 that nothing listens on now.
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}
