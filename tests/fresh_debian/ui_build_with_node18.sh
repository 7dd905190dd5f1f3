#!/usr/bin/env bash
# A newcomer's fresh Debian 12 (issue 9): its own nodejs is 18 with npm 9,
# too old for the UI's toolchain (Vite 8 needs node >= 20.19). The web build
# that scripts/start.sh runs (`scripts/web.sh build`) must then bring a newer
# node from the npm registry and build the UI with it.
#
# This machine may have another nodejs installed, so Debian 12's nodejs 18,
# libnode108 and npm (with the node-* packages Debian's npm is made of) are
# fetched with `apt-get download` and unpacked with `dpkg -x` into a cache
# dir (nothing is installed). Debian's node loads a few builtins from
# /usr/share/nodejs, so the run happens in a private mount namespace where the
# unpacked /usr/share is overlaid on the real one. There, with that node 18
# and npm 9 first on PATH, `scripts/web.sh build` runs in a clean copy of
# scripts/ and web/ (no node_modules, no dist, no build/tools). Every node
# process records itself (NODE_OPTIONS=--require a probe), and the test checks:
#   - web/dist/index.html was built;
#   - the bootstrap ran on Debian's node 18;
#   - tsc and vite ran on node >= 20.19 from the copy's build/tools/node,
#     i.e. the node the npm registry's `node` package installed.
#
# Needs the Debian and npm registries (downloads are cached: the .debs and
# their unpacked tree in $STUDIO_FRESH_DEBIAN_CACHE, default build/fresh_debian;
# npm's in ~/.npm). Exit 77 (skipped) when no mount namespace can be made.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cache="${STUDIO_FRESH_DEBIAN_CACHE:-$root/build/fresh_debian}"
log() { echo "fresh_debian: $*"; }
fail() { echo "fresh_debian: FAIL: $*" >&2; exit 1; }
started=$SECONDS

if [ "$(id -u)" -eq 0 ]; then ns=(unshare --mount --propagation private)
else ns=(unshare --map-root-user --mount --propagation private); fi
"${ns[@]}" true 2>/dev/null || { echo "fresh_debian: SKIP: cannot create a mount namespace (${ns[*]})"; exit 77; }

# --- Debian 12's nodejs 18 and npm, unpacked --------------------------------
node_version=$(apt-cache madison nodejs | awk -F'|' '{gsub(/ /, "", $2); print $2}' | grep -E '^18\..*deb12' \
  | sort -V | tail -1 || true)
[ -n "$node_version" ] || fail "no Debian 12 nodejs 18 in the apt lists (run apt-get update)"
npm_version=$(apt-cache madison npm | awk -F'|' '{gsub(/ /, "", $2); print $2}' | grep -E '^9\.' | sort -V | tail -1 || true)
[ -n "$npm_version" ] || fail "no Debian 12 npm 9 in the apt lists (run apt-get update)"
tree="$cache/nodejs-$node_version-npm-$npm_version"
tree=${tree//[+~]/_}
R="$tree/root"
if [ ! -f "$tree/complete" ]; then
  log "fetching Debian's nodejs $node_version and npm $npm_version (apt-get download, dpkg -x into $tree)"
  rm -rf "$tree"
  mkdir -p "$tree/debs" "$R"
  # npm's dependency closure: its JavaScript packages (node-*, libjs-*) always;
  # shared libraries only when this machine lacks them (Debian's node links them).
  deps=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
    --no-replaces --no-enhances npm libnode108 | grep -v '^[ <]' | sort -u)
  pkgs=("nodejs=$node_version" "libnode108=$node_version" "npm=$npm_version")
  for p in $deps; do
    case "$p" in
      nodejs | npm | libnode108 | *-dev) ;;
      node-* | libjs-*) pkgs+=("$p") ;;
      lib*) dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || pkgs+=("$p") ;;
    esac
  done
  # apt-get download runs as _apt when it can: give it a dir it may write.
  chmod 777 "$tree/debs"
  (cd "$tree/debs" && apt-get download -q "${pkgs[@]}" >/dev/null 2>"$tree/download.log") \
    || { cat "$tree/download.log" >&2; fail "apt-get download failed"; }
  for deb in "$tree"/debs/*.deb; do dpkg -x "$deb" "$R"; done
  rm -rf "$tree/debs"
  touch "$tree/complete"
fi
libs=$(shopt -s nullglob; dirs=("$R"/usr/lib/*-linux-gnu* "$R"/lib/*-linux-gnu*); IFS=:; echo "${dirs[*]}")
[ -x "$R/usr/bin/node" ] && [ -e "$R/usr/share/nodejs/npm/bin/npm-cli.js" ] || fail "unpacked tree $R lacks node or npm"

# --- a clean copy of what start.sh's web build uses ---------------------------
work=$(mktemp -d /tmp/studio-fresh-debian.XXXXXX)
trap 'rm -rf "$work"' EXIT
copy="$work/repo"
mkdir -p "$copy"
tar -C "$root" --exclude=web/node_modules --exclude=web/dist -cf - scripts web | tar -C "$copy" -xf -
[ ! -e "$copy/web/node_modules" ] && [ ! -e "$copy/build" ] || fail "the copy is not clean"

probe="$work/probe.cjs"
cat >"$probe" <<'JS'
// Appends one line per node process: its version, executable and script.
require("fs").appendFileSync(process.env.STUDIO_NODE_PROBE_LOG,
  JSON.stringify({ version: process.version, exec: process.execPath, script: process.argv[1] || "" }) + "\n");
JS

# --- the build, with Debian's node 18 first on PATH ---------------------------
log "running scripts/web.sh build in $copy with Debian's node 18 first on PATH"
STUDIO_NODE_PROBE_LOG="$work/nodes.jsonl" R="$R" LIBS="$libs" COPY="$copy" PROBE="$probe" \
  "${ns[@]}" bash -c '
    set -euo pipefail
    mount -t overlay overlay -o "lowerdir=$R/usr/share:/usr/share" /usr/share
    export PATH="$R/usr/bin:$PATH" LD_LIBRARY_PATH="$LIBS${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    echo "fresh_debian: first on PATH: node $(node -v) ($(command -v node)), npm $(npm -v) ($(command -v npm))"
    export NODE_OPTIONS="--require $PROBE"
    "$COPY/scripts/web.sh" build
  ' 2>&1 | tee "$work/build.log"

# --- checks -----------------------------------------------------------------
grep -q "first on PATH: node v18\." "$work/build.log" || fail "Debian's node 18 was not first on PATH"
[ -f "$copy/web/dist/index.html" ] || fail "no web/dist/index.html"
tools="$copy/build/tools/node"
[ -x "$tools/node_modules/.bin/node" ] || fail "no bootstrapped node in $tools"
# The executable npm's `node` package installed: node_modules/node/bin/node,
# a hard link of node_modules/node/node_modules/node-linux-<arch>/bin/node.
node_bin="$(cd "$tools/node_modules/node/bin" && pwd)/node"
# The registry package behind it.
grep -q '"name": *"node-linux-' "$tools"/node_modules/node/node_modules/node-linux-*/package.json \
  || fail "the bootstrapped node does not come from a node-linux-<arch> registry package"

new_enough() { # vMAJOR.MINOR.PATCH >= 20.19
  local v=${1#v} a b
  a=${v%%.*}; b=${v#*.}; b=${b%%.*}
  (( a > 20 || (a == 20 && b >= 19) ))
}
check_step() { # $1: name, $2: pattern of the script path
  local lines line version exec
  lines=$(grep -E "\"script\":\"[^\"]*$2\"" "$work/nodes.jsonl" || true)
  [ -n "$lines" ] || fail "no node process ran $1"
  while IFS= read -r line; do
    version=$(sed -E 's/.*"version":"([^"]*)".*/\1/' <<<"$line")
    exec=$(sed -E 's/.*"exec":"([^"]*)".*/\1/' <<<"$line")
    new_enough "$version" || fail "$1 ran on node $version"
    [ "$exec" = "$node_bin" ] || fail "$1 ran on $exec, not the bootstrapped $node_bin"
    log "$1 ran on node $version ($exec)"
  done <<<"$lines"
}
grep -F "\"exec\":\"$R/usr/bin/node\"" "$work/nodes.jsonl" | grep '"version":"v18\.' \
  | grep -Eq '"script":"[^"]*/(npm|npm-cli\.js)"' || fail "the bootstrap did not run Debian's npm on Debian's node 18"
log "the bootstrap ran Debian's npm on node 18 ($R/usr/bin/node)"
# (a script run through a node_modules/.bin link is recorded under the link's name)
check_step "npm (ci, run build)" "/build/tools/node/node_modules/(\\.bin/npm|npm/bin/npm-cli\\.js)"
check_step "tsc" "/web/node_modules/(\\.bin/tsc|typescript/bin/tsc)"
check_step "vite build" "/web/node_modules/(\\.bin/vite|vite/bin/vite\\.js)"
log "PASS: web/dist/index.html built with node $("$node_bin" -v) from the npm registry ($((SECONDS - started)) s)"
