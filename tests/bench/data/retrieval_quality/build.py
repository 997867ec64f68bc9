"""Builds the retrieval-quality corpus and query set from text that ships on this machine.

    .venv/bin/python tests/bench/data/retrieval_quality/build.py           # rewrite the JSONL files
    .venv/bin/python tests/bench/data/retrieval_quality/build.py --check   # compare, change nothing

Passages (passages.jsonl):
- English: the docstrings of public modules, classes and functions of a fixed list of Python 3.11
  standard-library modules, read with `ast` from the interpreter's own Lib/ (PSF licence,
  PSF-LICENSE.txt). Each docstring is cut at blank lines into chunks of about CHUNK_CHARS, and each
  chunk is headed by its dotted name, as a knowledge-base slice carries its heading path.
- Chinese: the sections of Vim's Chinese tutor (Debian's vim-runtime, tutor.zh_cn.utf-8; Vim
  licence, VIM-LICENSE.txt), each section one passage, unmodified.

Queries (queries.jsonl) are written by hand in queries_en.tsv and queries_zh.tsv; this script checks
that every relevant id exists and that no query copies its passage (no run of COPY_WORDS words, or
COPY_CHARS Chinese characters, in common), then assigns each query to the `tune` or `held_out` half,
alternating within each (language, kind) group in table order.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
import sysconfig
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent

PYTHON = (3, 11)
VIM_TUTOR = Path("/usr/share/vim/vim90/tutor/tutor.zh_cn.utf-8")
CHUNK_CHARS = 600
MIN_DOC_CHARS = 80
COPY_WORDS = 5
COPY_CHARS = 6

# The standard-library modules whose docstrings make the English passages.
MODULE_NAMES = """
abc argparse asyncio.locks asyncio.queues asyncio.tasks base64 bisect bz2 calendar collections
concurrent.futures._base configparser contextlib copy csv dataclasses datetime email.utils enum
filecmp fileinput fnmatch fractions functools genericpath getopt getpass gettext glob gzip hashlib
heapq hmac html http.cookies ipaddress json linecache locale logging lzma mimetypes numbers
operator os pathlib pickle platform plistlib posixpath pprint queue random re reprlib sched
secrets shelve shlex shutil sqlite3 stat statistics string struct subprocess tarfile tempfile
textwrap threading timeit traceback types urllib.parse urllib.request uuid venv warnings
weakref webbrowser zipapp zipfile
"""
MODULES = tuple(MODULE_NAMES.split())

_WORD = re.compile(r"[^\W_]+")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def module_file(stdlib: Path, module: str) -> Path:
    base = stdlib / module.replace(".", "/")
    return base.with_suffix(".py") if base.with_suffix(".py").exists() else base / "__init__.py"


def docstrings(tree: ast.Module, module: str) -> Iterator[tuple[str, str]]:
    """(dotted name, docstring) of the module and of its public classes, methods and functions."""
    doc = ast.get_docstring(tree)
    if doc:
        yield module, doc

    def walk(node: ast.AST, prefix: str) -> Iterator[tuple[str, str]]:
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                continue
            if child.name.startswith("_"):
                continue
            name = f"{prefix}.{child.name}"
            doc = ast.get_docstring(child)
            if doc:
                yield name, doc
            if isinstance(child, ast.ClassDef):
                yield from walk(child, name)

    yield from walk(tree, module)


def chunks(doc: str) -> list[str]:
    """Blank-line paragraphs packed into chunks of about CHUNK_CHARS (a longer paragraph stays whole)."""
    out: list[str] = []
    current = ""
    for para in (p.strip() for p in re.split(r"\n\s*\n", doc)):
        if not para:
            continue
        if current and len(current) + len(para) + 2 > CHUNK_CHARS:
            out.append(current)
            current = para
        else:
            current = f"{current}\n\n{para}" if current else para
    if current:
        out.append(current)
    return out


def python_passages() -> list[dict[str, str]]:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    passages: list[dict[str, str]] = []
    seen: set[str] = set()
    for module in MODULES:
        tree = ast.parse(module_file(stdlib, module).read_text(encoding="utf-8"))
        for name, doc in docstrings(tree, module):
            # The same text under two names (os.path re-exports genericpath) would make ranks a coin toss.
            if len(doc) < MIN_DOC_CHARS or doc in seen:
                continue
            seen.add(doc)
            for i, chunk in enumerate(chunks(doc)):
                passages.append({"id": f"py:{name}#{i}", "lang": "en", "text": f"{name}\n{chunk}"})
    return passages


def vim_passages() -> list[dict[str, str]]:
    """One passage per section of the tutor (between its ~~~ rules), the title banner left out."""
    text = VIM_TUTOR.read_text(encoding="utf-8")
    sections = re.split(r"^~{20,}[ \t]*$", text, flags=re.MULTILINE)
    passages = []
    for i, section in enumerate(sections):
        body = "\n".join(line for line in section.splitlines() if not line.startswith("=")).strip("\n")
        if body:
            passages.append({"id": f"vim-zh:{i:02d}", "lang": "zh", "text": body})
    return passages


def english_words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def copied(query: str, passage: str, lang: str) -> str | None:
    """The copied run if the query shares COPY_WORDS words (or COPY_CHARS Han characters) in a row."""
    if lang == "zh":
        han = "".join(_HAN.findall(passage))
        q = "".join(_HAN.findall(query))
        for i in range(len(q) - COPY_CHARS + 1):
            if q[i : i + COPY_CHARS] in han:
                return q[i : i + COPY_CHARS]
        return None
    words = english_words(passage)
    grams = {tuple(words[i : i + COPY_WORDS]) for i in range(len(words) - COPY_WORDS + 1)}
    q = english_words(query)
    for i in range(len(q) - COPY_WORDS + 1):
        if tuple(q[i : i + COPY_WORDS]) in grams:
            return " ".join(q[i : i + COPY_WORDS])
    return None


def table(name: str) -> Iterator[tuple[str, str, list[str], str]]:
    """Rows of a hand-written query table: id, kind, relevant ids, query (# starts a comment)."""
    for line in (HERE / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            qid, kind, relevant, text = line.split("\t")
            yield qid, kind, relevant.split(), text


def queries(passages: list[dict[str, str]]) -> list[dict[str, object]]:
    text_of = {p["id"]: p["text"] for p in passages}
    rows: list[dict[str, object]] = []
    problems: list[str] = []
    groups: dict[tuple[str, str], int] = defaultdict(int)
    for lang in ("en", "zh"):
        for qid, kind, relevant, text in table(f"queries_{lang}.tsv"):
            if kind not in ("paraphrase", "keyword"):
                problems.append(f"{qid}: kind {kind!r}")
            for rid in relevant:
                if rid not in text_of:
                    problems.append(f"{qid}: no passage {rid}")
                elif (run := copied(text, text_of[rid], lang)) is not None:
                    problems.append(f"{qid}: copies {run!r} from {rid}")
            split = "tune" if groups[(lang, kind)] % 2 == 0 else "held_out"
            groups[(lang, kind)] += 1
            rows.append(
                {"id": qid, "lang": lang, "kind": kind, "split": split, "text": text, "relevant": relevant}
            )
    ids = [r["id"] for r in rows]
    if len(set(ids)) != len(ids):
        problems.append("duplicate query ids")
    if problems:
        raise SystemExit("query table problems:\n  " + "\n  ".join(problems))
    return rows


def jsonl(rows: list[dict[str, object]] | list[dict[str, str]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed files")
    args = parser.parse_args()
    if sys.version_info[:2] != PYTHON:
        raise SystemExit(f"build with Python {PYTHON[0]}.{PYTHON[1]}: its docstrings are the corpus")
    passages = python_passages() + vim_passages()
    outputs = {"passages.jsonl": jsonl(passages), "queries.jsonl": jsonl(queries(passages))}
    stale = [
        n for n, text in outputs.items() if not (HERE / n).is_file() or (HERE / n).read_text("utf-8") != text
    ]
    if args.check:
        print("up to date" if not stale else f"differs: {', '.join(stale)}")
        return 1 if stale else 0
    for name, text in outputs.items():
        (HERE / name).write_text(text, encoding="utf-8")
    print(f"{len(passages)} passages, {sum(len(t) for t in outputs.values()):,} characters written")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
