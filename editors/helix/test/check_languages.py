#!/usr/bin/env python3
"""The Helix fragment: editors/helix/languages.toml parses as TOML, defines the `onus` server as the binary the
repository builds with `lsp`, adds it to hcl, tfvars, yaml and json next to their usual servers, and the README
shows the same fragment. Last, the command it names, run as Helix runs it, answers `initialize` and exits 0 on
`shutdown` + `exit`.

    ONUS_BIN=/path/to/onus python3 editors/helix/test/check_languages.py   (default: target/debug/onus)
"""

import json
import os
import re
import subprocess
import sys
import unittest
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    sys.exit("check_languages.py needs Python 3.11+ (tomllib)")

HELIX = Path(__file__).resolve().parent.parent
REPO = HELIX.parent.parent
FRAGMENT = HELIX / "languages.toml"
ONUS = Path(os.environ.get("ONUS_BIN") or REPO / "target" / "debug" / "onus")
if not ONUS.is_absolute():
    ONUS = Path.cwd() / ONUS

# Each language onus joins, with the server Helix gives it by default (Helix's own languages.toml).
USUAL = {
    "hcl": "terraform-ls",
    "tfvars": "terraform-ls",
    "yaml": "yaml-language-server",
    "json": "vscode-json-language-server",
}


def load():
    with FRAGMENT.open("rb") as f:
        return tomllib.load(f)


def frame(message):
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def read_message(stream):
    length = None
    while True:
        line = stream.readline()
        if not line:
            raise EOFError("the server closed its output")
        line = line.strip()
        if not line:
            break
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return json.loads(stream.read(length))


class Fragment(unittest.TestCase):
    def test_parses_and_defines_the_onus_server(self):
        config = load()
        server = config["language-server"]["onus"]
        # The binary the repository builds (server/Cargo.toml's package), with its language server subcommand.
        with (REPO / "server" / "Cargo.toml").open("rb") as f:
            binary = tomllib.load(f)["package"]["name"]
        self.assertEqual(server["command"], binary)
        self.assertEqual(server["command"], "onus")
        self.assertEqual(server["args"], ["lsp"])
        self.assertEqual(set(config["language-server"]), {"onus"}, "the fragment redefines only onus")

    def test_adds_onus_to_each_language_next_to_its_usual_server(self):
        languages = {lang["name"]: lang for lang in load()["language"]}
        self.assertEqual(set(languages), set(USUAL))
        for name, usual in USUAL.items():
            servers = languages[name]["language-servers"]
            self.assertIn("onus", servers, name)
            self.assertIn(usual, servers, name)
            # The usual server first: Helix asks the first server that offers a feature (formatting, completion).
            self.assertEqual(servers[0], usual, name)
            self.assertEqual(len(servers), len(set(servers)), f"{name}: a server listed twice")
            # Only the fields that add onus: nothing of Helix's own definition of the language is replaced.
            self.assertEqual(set(languages[name]), {"name", "language-servers"}, name)

    def test_the_readme_shows_the_same_fragment(self):
        readme = (HELIX / "README.md").read_text()
        blocks = re.findall(r"```toml\n(.*?)```", readme, re.S)
        self.assertTrue(blocks, "no toml block in the README")
        self.assertIn(load(), [tomllib.loads(b) for b in blocks])

    def test_the_command_runs_a_language_server(self):
        self.assertTrue(ONUS.is_file(), f"no onus binary at {ONUS}: run cargo build, or set ONUS_BIN")
        server = load()["language-server"]["onus"]
        # The fragment's command is looked up on PATH; here it is the binary under test.
        proc = subprocess.Popen(
            [str(ONUS), *server["args"]], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        try:
            init = {
                "jsonrpc": "2.0",
                "id": 1,
                "method": "initialize",
                "params": {
                    "processId": os.getpid(),
                    "clientInfo": {"name": "helix"},
                    "rootUri": REPO.as_uri(),
                    "capabilities": {"general": {"positionEncodings": ["utf-8", "utf-32", "utf-16"]}},
                    "initializationOptions": server.get("config"),
                },
            }
            proc.stdin.write(frame(init))
            proc.stdin.flush()
            while True:
                answer = read_message(proc.stdout)
                if answer.get("id") == 1:
                    break
            self.assertEqual(answer["result"]["serverInfo"]["name"], "onus")
            self.assertEqual(answer["result"]["capabilities"]["positionEncoding"], "utf-8")
            proc.stdin.write(frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
            proc.stdin.write(frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
            proc.stdin.flush()
            while read_message(proc.stdout).get("id") != 2:
                pass
            proc.stdin.write(frame({"jsonrpc": "2.0", "method": "exit"}))
            proc.stdin.flush()
            self.assertEqual(proc.wait(timeout=10), 0)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            for stream in (proc.stdin, proc.stdout, proc.stderr):
                stream.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)
