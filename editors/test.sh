#!/usr/bin/env bash
# The editor integrations' tests, for CI, from the repository root after `cargo build`:
#
#   editors/test.sh          (ONUS_BIN: the onus binary to test, default target/debug/onus)
#
# Installs what the tests need inside the checkout (npm ci in editors/vscode; Debian's neovim if `nvim` is
# missing), then runs five suites: the VS Code extension's build (tsc, esbuild, vsce package -> editors/vscode/
# onus-*.vsix), the protocol test (VS Code's client capabilities against the real `onus lsp`), the extension test
# (the bundle, on a stand-in of the vscode API, starting the real server), the Neovim test (headless Neovim) and
# the Helix test. Ends with `N passed, N failed`, and exits non-zero if anything failed.
# Network: the npm registry and Debian's packages only.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root" || exit 2
onus=${ONUS_BIN:-target/debug/onus}
case $onus in /*) ;; *) onus=$root/$onus ;; esac
export ONUS_BIN=$onus
vscode=$root/editors/vscode

passed=0
failed=0
failures=()

# suite NAME TIMEOUT COMMAND...: runs one suite with a time limit and counts it.
suite() {
  local name=$1 limit=$2
  shift 2
  echo
  echo "== $name"
  local start=$SECONDS status=0
  timeout --kill-after=10 "$limit" "$@" || status=$?
  if [ "$status" = 0 ]; then
    echo "-- $name: passed ($((SECONDS - start)) s)"
    passed=$((passed + 1))
  else
    [ "$status" = 124 ] && echo "-- $name: timed out after $limit s"
    echo "-- $name: FAILED (exit $status, $((SECONDS - start)) s)"
    failed=$((failed + 1))
    failures+=("$name")
  fi
}

echo "== setup"
echo "onus: $ONUS_BIN"
setup_ok=1
if [ ! -x "$ONUS_BIN" ]; then
  echo "no onus binary at $ONUS_BIN: run \`cargo build\` first, or set ONUS_BIN" >&2
  setup_ok=0
fi
node --version && npm --version || setup_ok=0
npm_ok=0
if (cd "$vscode" && timeout 600 npm ci --no-audit --no-fund --loglevel=error); then
  npm_ok=1
else
  echo "npm ci failed in editors/vscode" >&2
fi
if ! command -v nvim >/dev/null; then
  echo "nvim not found: installing Debian's neovim"
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    timeout 600 apt-get update -qq && timeout 600 apt-get install -y -qq neovim >/dev/null \
      || echo "apt-get install neovim failed" >&2
  else
    echo "not root: cannot apt-get install neovim" >&2
  fi
fi
command -v nvim >/dev/null && nvim --version | head -n 1
command -v python3 >/dev/null && python3 --version

vscode_build() {
  [ "$npm_ok" = 1 ] || { echo "npm ci failed: nothing to build with" >&2; return 1; }
  cd "$vscode" || return 1
  rm -f onus-*.vsix
  echo "-- tsc" && npx --no-install tsc -p . --noEmit || return 1
  echo "-- esbuild" && npm run --silent bundle || return 1
  echo "-- vsce package" && npx --no-install vsce package --no-dependencies --skip-license --allow-missing-repository \
    </dev/null || return 1
  local vsix
  vsix=$(ls onus-*.vsix 2>/dev/null | head -n 1)
  [ -n "$vsix" ] || { echo "vsce wrote no onus-*.vsix" >&2; return 1; }
  # The package holds the manifest and the bundle, and nothing of node_modules or the sources.
  node -e '
    const fs = require("fs");
    const buf = fs.readFileSync(process.argv[1]);
    const names = [];
    for (let i = buf.length - 22; i >= 0; i--) {
      if (buf.readUInt32LE(i) !== 0x06054b50) continue;
      let at = buf.readUInt32LE(i + 16);
      for (let n = buf.readUInt16LE(i + 10); n > 0; n--) {
        const len = buf.readUInt16LE(at + 28), extra = buf.readUInt16LE(at + 30), comment = buf.readUInt16LE(at + 32);
        names.push(buf.toString("utf8", at + 46, at + 46 + len));
        at += 46 + len + extra + comment;
      }
      break;
    }
    for (const want of ["extension/package.json", "extension/dist/extension.js", "extension/readme.md"])
      if (!names.includes(want)) { console.error(`${process.argv[1]} lacks ${want}: ${names}`); process.exit(1); }
    const stray = names.filter((n) => /node_modules|\/src\/|\.ts$|\.map$/.test(n));
    if (stray.length) { console.error(`${process.argv[1]} should not hold ${stray}`); process.exit(1); }
    console.log(`${process.argv[1]}: ${names.length} files, ${buf.length} bytes`);
  ' "$vsix"
}

vscode_protocol() {
  [ "$setup_ok" = 1 ] && [ "$npm_ok" = 1 ] || { echo "setup failed: see above" >&2; return 1; }
  cd "$vscode" && node --test test/protocol.test.js
}

vscode_extension() {
  [ "$setup_ok" = 1 ] && [ "$npm_ok" = 1 ] || { echo "setup failed: see above" >&2; return 1; }
  cd "$vscode" && node --test test/extension.test.js
}

neovim() {
  [ "$setup_ok" = 1 ] || { echo "setup failed: see above" >&2; return 1; }
  "$root/editors/nvim/test/run.sh"
}

helix() {
  [ "$setup_ok" = 1 ] || { echo "setup failed: see above" >&2; return 1; }
  python3 "$root/editors/helix/test/check_languages.py"
}

# Each suite in its own shell (under `timeout`), so a `cd` or a failure stays inside it.
export setup_ok npm_ok root vscode
export -f vscode_build vscode_protocol vscode_extension neovim helix
suite "vscode: tsc, esbuild, vsce package" 600 bash -c vscode_build
suite "vscode: protocol test" 180 bash -c vscode_protocol
suite "vscode: extension test" 180 bash -c vscode_extension
suite "neovim: headless test" 180 bash -c neovim
suite "helix: languages.toml" 120 bash -c helix

echo
if [ "$failed" -gt 0 ]; then
  echo "failed: ${failures[*]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$setup_ok" = 1 ]
