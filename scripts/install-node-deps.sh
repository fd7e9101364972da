#!/usr/bin/env bash
# Installs the npm packages of the e2e tests (tests/e2e) from their lockfile.
# Idempotent: does nothing when node_modules already matches package-lock.json.
#   scripts/install-node-deps.sh           install if needed
#   scripts/install-node-deps.sh --force   reinstall
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/tests/e2e"
stamp="$dir/node_modules/.llmgw-install-stamp"

for tool in node npm; do
  command -v "$tool" >/dev/null 2>&1 || { echo "install-node-deps: $tool not found (need Node.js >= 20)" >&2; exit 1; }
done
major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$major" -lt 20 ]; then
  echo "install-node-deps: Node.js $(node --version) is too old; need >= 20" >&2
  exit 1
fi

# What the install depends on: the manifest, the lockfile (if any) and the Node major version.
want="node$major $(cat "$dir/package.json" "$dir/package-lock.json" 2>/dev/null | sha256sum | cut -d' ' -f1)"

if [ "${1:-}" != "--force" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo "install-node-deps: tests/e2e/node_modules is up to date"
  exit 0
fi

cd "$dir"
if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund
else
  npm install --no-audit --no-fund
  want="node$major $(cat package.json package-lock.json 2>/dev/null | sha256sum | cut -d' ' -f1)"
fi
printf '%s\n' "$want" > "$stamp"
echo "install-node-deps: installed tests/e2e/node_modules"
