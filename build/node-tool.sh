# Sourced by the scripts that run a pinned npm tool from their own folder (spectral, redocly,
# contract-diff): installs the folder's package-lock.json again when node_modules is missing or
# older than the lock. npm writes node_modules/.package-lock.json last, so an interrupted install
# is redone too. Call it with the tool's folder as the working directory.
install_node_tool() {
  if [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error >/dev/null
  fi
}
