#!/usr/bin/env bash
# `onus check` over a corpus, beside the parse-only floor and (with RUN_PEERS=1) Checkov and cfn-lint.
#   usage: bench/cli.sh [CORPUS_DIR]          (default ../shared/corpus/real)
#   RUN_PEERS=1: also run ../shared/bench/peers.sh (installs Checkov and cfn-lint into .peers-venv, in the
#                checkout; Checkov takes minutes on the real corpus).
# Prints one line per tool: tool files lines wall_s peak_rss_mb findings
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/corpus/real}
cargo build --release -q -p onus
cargo build --release -q -p onus-analysis --example parse_only
out=$(mktemp); times=$(mktemp); trap 'rm -f "$out" "$times"' EXIT

/usr/bin/time -f '%e %M' -o "$times" target/release/onus check --format json "$corpus" > "$out" || true
read -r wall rss_kb < <(tail -1 "$times")
read -r files lines findings < <(python3 - "$out" "$corpus" <<'PY'
import json, os, sys
findings = json.load(open(sys.argv[1]))
files = lines = 0
for root, dirs, names in os.walk(sys.argv[2]):
    dirs[:] = [d for d in dirs if d not in (".terraform", ".git")]
    for n in names:
        p = os.path.join(root, n)
        if n.endswith((".tf", ".tfvars")):
            files += 1; lines += sum(1 for _ in open(p, errors="replace"))
        elif n.endswith((".yaml", ".yml", ".json", ".template")):
            text = open(p, errors="replace").read()
            if "Resources" in text:
                files += 1; lines += text.count("\n")
print(files, lines, len(findings))
PY
)
printf 'onus-check %s %s %s %s %s\n' "$files" "$lines" "$wall" "$((rss_kb / 1024))" "$findings"

/usr/bin/time -f '%e %M' -o "$times" target/release/examples/parse_only "$corpus" > "$out"
read -r wall rss_kb < <(tail -1 "$times")
read -r pfiles plines _ < "$out"
printf 'parse-only %s %s %s %s -\n' "$pfiles" "$plines" "$wall" "$((rss_kb / 1024))"

if [[ ${RUN_PEERS:-} == 1 ]]; then
  PEERS_VENV=${PEERS_VENV:-.peers-venv} ../shared/bench/peers.sh "$corpus"
fi
