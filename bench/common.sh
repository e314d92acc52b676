# Shared by bench/run.sh, bench/noisy-neighbour.sh and bench/secure-delete.sh (sourced, not run).
log() { echo "== $*" >&2; }

# A port on 127.0.0.1 that nothing listens on now.
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}

# A temporary folder for the run ($work); at exit every process in $pids is stopped and it is removed.
bench_workdir() {
  work=$(mktemp -d)
  pids=()
  trap bench_cleanup EXIT
}
bench_cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}

# Builds the service and bench/Tool in Release, quiet unless it fails; sets server_dll and tool.
build_service_and_tool() {
  local project out
  for project in src/Server bench/Tool; do
    out=$(dotnet build "$repo/$project" -c Release -nologo -v:q 2>&1) || { printf '%s\n' "$out" | grep -E 'error|rror\(s\)' >&2; exit 1; }
  done
  server_dll=$repo/src/Server/bin/Release/net10.0/Customers.Server.dll
  tool=(dotnet "$repo/bench/Tool/bin/Release/net10.0/Customers.Bench.Tool.dll")
}

# deployed_service <name> [environment...]: the service as deployed (API_KEY may call everything
# on every organization, on purpose) on its own SQLite file $work/<name>/customers.db; waits until
# it is ready and sets port_<name>.
deployed_service() {
  local name=$1 port
  shift
  port=$(free_port)
  mkdir -p "$work/$name"
  env Authorization__Grants__API_KEY__0='*' Authorization__Orgs__API_KEY__0='*' AllowedHosts=127.0.0.1 Idempotency__FingerprintKey="$(head -c 32 /dev/urandom | base64)" \
    "ConnectionStrings__Sqlite=Data Source=$work/$name/customers.db" Logging__LogLevel__Default=Warning "$@" \
    dotnet "$server_dll" --urls "http://127.0.0.1:$port" >"$work/$name.log" 2>&1 &
  pids+=($!)
  printf -v "port_$name" '%s' "$port"
  for _ in $(seq 1 600); do curl -fs -o /dev/null "http://127.0.0.1:$port/health/ready" && return 0; sleep 0.1; done
  echo "$name did not become ready" >&2
  exit 1
}
