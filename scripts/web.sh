#!/usr/bin/env bash
# The web UI (web/): build it into web/dist, or run its tests.
#
#   scripts/web.sh build   npm ci (only when web/node_modules is missing or
#                          package-lock.json changed since the last install),
#                          then typecheck + vite build into web/dist
#   scripts/web.sh test    build when web/dist is missing or older than its
#                          sources, then the Vitest component tests and the
#                          end-to-end tests (real `studio serve` + chromium)
#
# Needs node >= 20.19 and npm (the machine image's nodejs), and for `test`
# the C++ build (build/studio, or STUDIO_BINARY=path) and Debian's chromium
# at /usr/bin/chromium (or CHROMIUM_PATH=path). Never downloads a browser.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
web="$root/web"

die() { echo "web.sh: $*" >&2; exit 1; }

check_node() {
  command -v node >/dev/null && command -v npm >/dev/null || die "node and npm are needed (nodejs >= 20.19)"
  node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' \
    || die "node $(node -v) is too old: Vite needs node >= 20.19"
}

install_deps() {
  local stamp="$web/node_modules/.studio-lock.sha256"
  local want
  want="$(sha256sum "$web/package-lock.json" | cut -d' ' -f1)"
  if [[ ! -d "$web/node_modules" || ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
    echo "web.sh: npm ci"
    (cd "$web" && npm ci --no-audit --no-fund)
    echo "$want" > "$stamp"
  fi
}

build() {
  check_node
  install_deps
  echo "web.sh: npm run build"
  (cd "$web" && npm run build)
}

# True when web/dist is missing or a source is newer than it.
dist_is_stale() {
  [[ ! -f "$web/dist/index.html" ]] && return 0
  [[ -n "$(find "$web/src" "$web/index.html" "$web/docs.html" "$web/docs" "$web/package.json" "$web/package-lock.json" "$web/vite.config.ts" \
    "$web/tsconfig.json" -newer "$web/dist/index.html" -print -quit)" ]]
}

test_ui() {
  check_node
  install_deps
  if dist_is_stale; then build; fi
  export STUDIO_BINARY="${STUDIO_BINARY:-$root/build/studio}"
  [[ -x "$STUDIO_BINARY" ]] || die "no studio binary at $STUDIO_BINARY: run scripts/build.sh first"
  echo "web.sh: component tests (vitest)"
  (cd "$web" && npm test)
  echo "web.sh: end-to-end tests (studio serve + chromium)"
  (cd "$web" && npm run e2e)
}

case "${1:-}" in
  build) build ;;
  test) test_ui ;;
  *) echo "usage: scripts/web.sh build|test" >&2; exit 2 ;;
esac
