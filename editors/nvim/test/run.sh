#!/usr/bin/env bash
# The Neovim test: headless Neovim, the plugin in editors/nvim, a copy of examples/terraform/main.tf, the real onus.
#   usage: editors/nvim/test/run.sh        (ONUS_BIN: the onus binary, default target/debug/onus of the repository;
#                                           NVIM: the nvim to run, default nvim; ONUS_NVIM_TIMEOUT: seconds, 90)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
plugin=$(dirname "$here")
repo=$(cd "$plugin/../.." && pwd)
onus=${ONUS_BIN:-$repo/target/debug/onus}
case $onus in /*) ;; *) onus=$PWD/$onus ;; esac
nvim=${NVIM:-nvim}

if [ ! -x "$onus" ]; then
  echo "nvim test: no onus binary at $onus (run cargo build, or set ONUS_BIN)" >&2
  exit 1
fi
if ! command -v "$nvim" >/dev/null; then
  echo "nvim test: $nvim not found (apt-get install neovim)" >&2
  exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/module" "$work/home" "$work/state"
cp "$repo/examples/terraform/main.tf" "$work/module/main.tf"

# -u NONE -i NONE: no user configuration or shada; XDG_* and HOME: nothing of the user's is read or written.
status=0
HOME=$work/home XDG_CONFIG_HOME=$work/home/.config XDG_DATA_HOME=$work/home/.local/share \
  XDG_STATE_HOME=$work/state XDG_CACHE_HOME=$work/home/.cache NVIM_LOG_FILE=$work/state/nvim.log \
  ONUS_BIN=$onus ONUS_TEST_FILE=$work/module/main.tf \
  timeout "${ONUS_NVIM_TIMEOUT:-90}" "$nvim" --headless -u NONE -i NONE -n \
  --cmd "set rtp^=$plugin" -c "luafile $here/test.lua" </dev/null || status=$?
echo
if [ "$status" = 124 ]; then
  echo "nvim test: timed out after ${ONUS_NVIM_TIMEOUT:-90} s" >&2
fi
if [ "$status" != 0 ]; then
  # Neovim's LSP log: in the cache folder on 0.7, the state folder on 0.8+.
  for lsplog in "$work/home/.cache/nvim/lsp.log" "$work/state/nvim/lsp.log"; do
    if [ -s "$lsplog" ]; then tail -n 40 "$lsplog" >&2; fi
  done
fi
exit "$status"
