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
# Node: Vite 8 needs node >= 20.19. The machine's node is used when it is new
# enough; otherwise (Debian 12's own nodejs is 18) the machine's npm installs
# the npm registry's `node` package (which pulls the node binary as
# node-linux-<arch>) and npm into build/tools/node, once, and that node and
# npm run npm ci, the build, vitest and the e2e run. No other download.
# For `test`: the C++ build (build/studio, or STUDIO_BINARY=path) and Debian's
# chromium at /usr/bin/chromium (or CHROMIUM_PATH=path). Never downloads a browser.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
web="$root/web"

die() { echo "web.sh: $*" >&2; exit 1; }

# What the registry bootstrap installs (exact versions: the same node everywhere).
BOOTSTRAP_PACKAGES=(node@22.23.3 npm@10.9.9)
tools="$root/build/tools/node"

# True when the node binary $1 is >= 20.19.
node_is_new_enough() {
  "$1" -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' 2>/dev/null
}

# Puts a node >= 20.19 and its npm first on PATH: the machine's, else the
# bootstrapped one in build/tools/node (installed here when missing).
check_node() {
  [[ -n "${node_checked:-}" ]] && return
  node_checked=1
  if command -v node >/dev/null && node_is_new_enough node && command -v npm >/dev/null; then
    echo "web.sh: node $(node -v) ($(command -v node)), npm $(npm -v)"
    return
  fi
  local bin="$tools/node_modules/.bin" stamp="$tools/.studio-bootstrap"
  if [[ ! -x "$bin/npm" || "$(cat "$stamp" 2>/dev/null)" != "${BOOTSTRAP_PACKAGES[*]}" ]] || ! node_is_new_enough "$bin/node"; then
    command -v npm >/dev/null \
      || die "no usable node: install Debian's nodejs and npm (scripts/install-deps.sh does) to bootstrap a newer node"
    echo "web.sh: node $(node -v 2>/dev/null || echo '(none)') is older than Vite's 20.19:" \
      "installing ${BOOTSTRAP_PACKAGES[*]} from the npm registry into ${tools#"$root/"}"
    rm -rf "$tools"
    mkdir -p "$tools"
    echo '{"private": true, "description": "node and npm for web/ (scripts/web.sh)"}' > "$tools/package.json"
    (cd "$tools" && npm install --no-audit --no-fund --no-save --no-package-lock "${BOOTSTRAP_PACKAGES[@]}")
    node_is_new_enough "$bin/node" || die "the bootstrapped node in $bin does not run"
    echo "${BOOTSTRAP_PACKAGES[*]}" > "$stamp"
  fi
  export PATH="$bin:$PATH"
  hash -r
  echo "web.sh: node $(node -v) ($(node -p process.execPath)), npm $(npm -v), from the npm registry"
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
