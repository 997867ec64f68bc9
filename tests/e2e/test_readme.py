"""README.md's snippets run as written, in order, against a fresh `cozeplus serve` (embedded defaults).

Every ```sh and ```python fence in the README carries a marker on the line before it:
`<!-- readme-test -->` (run here) or `<!-- readme-test: skip (why) -->`; an unmarked one fails, so a
new snippet is either tested or excluded on purpose. The test stands in for `make run`: it serves on a
free loopback port (the snippets' 127.0.0.1:8888 is rewritten to it) from a temporary "clone" whose
`.venv` is this venv. Shell snippets run one after another like one terminal (exported variables carry
over); Python snippets run in one interpreter started at the first of them with that terminal's
environment, like a user's `python` session.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.processes import ROOT
from tests.support.served import served_app

README = ROOT / "README.md"
README_PORT = "127.0.0.1:8888"
FENCE = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
MARK = re.compile(r"<!-- readme-test(?P<skip>: skip \((?P<why>.+)\))? -->")
TIMEOUT_S = 60

# Runs each snippet it is sent (one JSON string a line) in one namespace; answers one JSON line each.
PY_DRIVER = """
import contextlib, io, json, sys, traceback
ns = {"__name__": "__main__"}
for line in sys.stdin:
    out = io.StringIO()
    ok = True
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(json.loads(line), "<README snippet>", "exec"), ns)
    except BaseException:
        ok = False
        out.write(traceback.format_exc())
    sys.__stdout__.write(json.dumps({"ok": ok, "out": out.getvalue()}) + "\\n")
    sys.__stdout__.flush()
"""


@dataclass(frozen=True)
class Snippet:
    lang: str
    code: str
    line: int
    skip: str | None  # the reason, for excluded ones


def snippets(text: str) -> list[Snippet]:
    found = []
    for fence in FENCE.finditer(text):
        lang, code = fence.group(1), fence.group(2)
        if lang not in ("sh", "python"):
            continue
        line = text.count("\n", 0, fence.start()) + 1
        before = text[: fence.start()].rstrip("\n").rsplit("\n", 1)[-1]
        mark = MARK.fullmatch(before.strip())
        assert mark, f"README.md:{line}: a ```{lang} snippet needs <!-- readme-test --> or a skip reason"
        found.append(Snippet(lang, code, line, mark.group("why") if mark.group("skip") else None))
    return found


def test_every_snippet_is_marked_and_the_skips_say_why() -> None:
    found = snippets(README.read_text(encoding="utf-8"))
    assert any(s.skip is None and s.lang == "sh" for s in found)
    assert any(s.skip is None and s.lang == "python" for s in found)
    assert all(s.skip is None or len(s.skip) > 10 for s in found)


def test_an_unmarked_snippet_is_refused() -> None:
    with pytest.raises(AssertionError, match="needs <!-- readme-test -->"):
        snippets("text\n\n```sh\necho hi\n```\n")


def run_shell(code: str, env: dict[str, str], cwd: Path) -> tuple[str, dict[str, str]]:
    """One snippet under `set -e`; returns its stdout and the environment it leaves exported."""
    state = cwd / ".readme-env"
    script = f"set -eo pipefail\n{code}\nenv -0 > {state}\n"
    done = subprocess.run(
        ["bash", "-c", script],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    pairs = (item.split("=", 1) for item in state.read_text().split("\0") if "=" in item)
    return done.stdout, dict(pairs)


def test_readme_snippets_run_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # With an OpenAI key at first start the default chat model would be OpenAI; the README's path
    # is the offline one.
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL"):
        monkeypatch.delenv(name, raising=False)
    runnable = [s for s in snippets(README.read_text(encoding="utf-8")) if s.skip is None]
    clone = tmp_path / "clone"
    clone.mkdir()
    (clone / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    with served_app("embedded", tmp_path) as served:
        base = served.base_url.removeprefix("http://")
        env = dict(served.env)
        python: subprocess.Popen[str] | None = None
        outputs: list[str] = []
        try:
            for snippet in runnable:
                code = snippet.code.replace(README_PORT, base)
                where = f"README.md:{snippet.line} ({snippet.lang})"
                if snippet.lang == "sh":
                    out, env = run_shell(code, env, clone)
                else:
                    if python is None:
                        exe = shutil.which("python", path=env["PATH"])
                        assert exe, f"{where}: no python on the snippets' PATH"
                        python = subprocess.Popen(
                            [exe, "-c", PY_DRIVER], cwd=clone, env=env, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                        )  # fmt: skip
                    assert python.stdin and python.stdout
                    python.stdin.write(json.dumps(code) + "\n")
                    python.stdin.flush()
                    answer = python.stdout.readline()
                    assert answer, f"{where}: python exited\n{served.log_tail()}"
                    result = json.loads(answer)
                    assert result["ok"], f"{where} failed:\n{result['out']}\n{served.log_tail()}"
                    out = result["out"]
                outputs.append(out)
        finally:
            if python is not None:
                python.kill()
                python.wait()
    joined = "\n".join(outputs)
    # What the README's comments promise the snippets print.
    assert '{"status":"ok"}' in joined
    assert outputs[-1] == "Hi there", outputs[-1]
