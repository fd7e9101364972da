#!/usr/bin/env bash
# Installs the npm packages of the e2e tests (tests/e2e) and of the Claude Code tests
# (tests/claude-code) from their lockfiles.
# Idempotent: does nothing for a directory whose node_modules already matches its package-lock.json.
#   scripts/install-node-deps.sh           install if needed
#   scripts/install-node-deps.sh --force   reinstall
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

for tool in node npm; do
  command -v "$tool" >/dev/null 2>&1 || { echo "install-node-deps: $tool not found (need Node.js >= 20)" >&2; exit 1; }
done
major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$major" -lt 20 ]; then
  echo "install-node-deps: Node.js $(node --version) is too old; need >= 20" >&2
  exit 1
fi

# install_dir <path relative to the repository root>
install_dir() {
  local rel="$1"
  local dir="$root/$rel"
  local stamp="$dir/node_modules/.llmgw-install-stamp"
  [ -f "$dir/package.json" ] || return 0

  # What the install depends on: the manifest, the lockfile (if any) and the Node major version.
  local want
  want="node$major $(cat "$dir/package.json" "$dir/package-lock.json" 2>/dev/null | sha256sum | cut -d' ' -f1)"

  if [ "$force" != "1" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "install-node-deps: $rel/node_modules is up to date"
    return 0
  fi

  (
    cd "$dir"
    if [ -f package-lock.json ]; then
      npm ci --no-audit --no-fund
    else
      npm install --no-audit --no-fund
    fi
  )
  want="node$major $(cat "$dir/package.json" "$dir/package-lock.json" 2>/dev/null | sha256sum | cut -d' ' -f1)"
  printf '%s\n' "$want" > "$stamp"
  echo "install-node-deps: installed $rel/node_modules"
}

force=0
[ "${1:-}" = "--force" ] && force=1

install_dir tests/e2e

install_dir tests/claude-code
# Claude Code's postinstall puts the native binary over bin/claude.exe; when scripts are disabled
# (npm --ignore-scripts) the tests fall back to the package's cli-wrapper.cjs, which is slower.
cc_bin="$root/tests/claude-code/node_modules/@anthropic-ai/claude-code/bin/claude.exe"
if [ -f "$cc_bin" ] && [ "$(wc -c < "$cc_bin")" -lt 1000000 ]; then
  echo "install-node-deps: note: Claude Code's postinstall did not run (bin/claude.exe is the placeholder);" \
       "the tests will start it through cli-wrapper.cjs" >&2
fi
