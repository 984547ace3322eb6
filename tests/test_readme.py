"""Every code block in README.md runs, as a new user would run it, in a fresh directory.

A small collector rather than a plugin: pytest-markdown-docs and pytest-examples run Python
fences only, and the README's shell sessions must be compared with the real output too.
What a block is decides how it is checked:

- ``python`` runs as a script in its own process; a block of ``>>>`` lines runs as a doctest
  (its output compared). A block whose first line is ``# continues the previous example``
  (any text after "continues") runs after the Python block before it, in one process; a block
  whose first line is ``# NAME.py`` is a file the reader saves: it is written into the
  directory before any block runs, and one named ``test_*.py`` must pass under pytest.
- ``console``: each ``$ command`` runs in bash, and what it prints (standard output, then
  standard error) must equal the lines under it, where ``...`` stands for any text (as in
  doctest) and a timing such as ``(0.2 s)`` for any timing.
- ``bash``: each line runs in bash and must exit with status 0.
- ``text``: what a program prints, or a synopsis; never run, so it must not hold a command.
  One marked ``<!-- readme-test: output of the block above -->`` is an excerpt of what the
  Python block before it prints, and is compared with it (``...`` for the lines left out).

An HTML comment ``<!-- readme-test: skip REASON -->`` on the line before a fence skips that
block, with the reason shown in the test report.
"""

from __future__ import annotations

import doctest
import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
RUN_KINDS = {"python", "console", "bash", "text"}
TIMEOUT = 120

FENCE = re.compile(r"^```(\S*)\s*$")
SKIP = re.compile(r"^<!--\s*readme-test:\s*skip\s+(.+?)\s*-->\s*$")
OUTPUT_ABOVE = re.compile(r"^<!--\s*readme-test:\s*output of the block above\s*-->\s*$")
FILE_BLOCK = re.compile(r"^#\s*([\w.-]+\.py)\s*$")
CONTINUES = re.compile(r"^#\s*continues\b", re.IGNORECASE)
TIMING = re.compile(r"\(\d+(?:\.\d+)? s\)")


@dataclass
class Block:
    line: int  # 1-based line of the opening fence
    kind: str
    body: str
    skip: str | None
    output_above: bool = False

    @property
    def first_line(self) -> str:
        return self.body.split("\n", 1)[0].strip()

    @property
    def file_name(self) -> str | None:
        match = FILE_BLOCK.match(self.first_line) if self.kind == "python" else None
        return match.group(1) if match else None

    @property
    def continues(self) -> bool:
        return self.kind == "python" and bool(CONTINUES.match(self.first_line))

    @property
    def is_doctest(self) -> bool:
        return self.kind == "python" and self.body.lstrip().startswith(">>>")

    @property
    def id(self) -> str:
        return f"line{self.line}-{self.kind}"


def parse_blocks(text: str) -> list[Block]:
    """The fenced blocks of a Markdown text, each with its kind and an optional skip reason."""
    blocks, lines, i = [], text.split("\n"), 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        start, kind = i, match.group(1)
        end = start + 1
        while end < len(lines) and lines[end].rstrip() != "```":
            end += 1
        if end == len(lines):
            raise ValueError(f"README.md line {start + 1}: the code block is never closed")
        before = lines[start - 1] if start > 0 else ""
        skip = SKIP.match(before)
        blocks.append(Block(start + 1, kind, "\n".join(lines[start + 1:end]) + "\n",
                            skip.group(1) if skip else None, bool(OUTPUT_ABOVE.match(before))))
        i = end + 1
    return blocks


BLOCKS = parse_blocks(README.read_text(encoding="utf-8"))


def _env() -> dict[str, str]:
    paths = [str(ROOT), os.environ.get("PYTHONPATH", "")]
    return dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in paths if p),
                MPLBACKEND="Agg", COLUMNS="100", NO_COLOR="1")


# `symnn` in a README command means this checkout's command, whatever is on PATH
BASH_PRELUDE = f'symnn() {{ {shlex.quote(sys.executable)} -m symnn "$@"; }}\n'


def _bash(command: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", BASH_PRELUDE + command], capture_output=True,
                          text=True, cwd=cwd, env=_env(), timeout=TIMEOUT)


def _python_above(block: Block) -> Block:
    """The last Python script block before ``block``."""
    earlier = [b for b in BLOCKS[:BLOCKS.index(block)] if b.kind == "python" and not b.is_doctest]
    assert earlier, f"README.md line {block.line}: no Python block precedes it"
    return earlier[-1]


def _python_source(block: Block) -> str:
    """The block's code, preceded by the blocks it continues."""
    chain = [block]
    index = BLOCKS.index(block)
    while chain[0].continues:
        earlier = [b for b in BLOCKS[:index] if b.kind == "python" and not b.is_doctest]
        assert earlier, f"README.md line {block.line} continues, but no Python block precedes it"
        chain.insert(0, earlier[-1])
        index = BLOCKS.index(earlier[-1])
    return "\n".join(b.body for b in chain)


def _normalize(text: str) -> str:
    lines = [TIMING.sub("(N s)", line.rstrip()) for line in text.strip("\n").split("\n")]
    return "\n".join(lines)


def _same_output(got: str, expected: str) -> bool:
    return doctest.OutputChecker().check_output(_normalize(expected) + "\n",
                                                _normalize(got) + "\n", doctest.ELLIPSIS)


def _console_commands(body: str) -> list[tuple[str, str]]:
    """(command, expected output) pairs of a console block."""
    pairs: list[tuple[str, list[str]]] = []
    for line in body.rstrip("\n").split("\n"):
        if line.startswith("$ "):
            pairs.append((line[2:], []))
        else:
            assert pairs, f"console block starts with output, not a `$ ` command: {line!r}"
            pairs[-1][1].append(line)
    return [(command, "\n".join(out)) for command, out in pairs]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    """One directory for the whole README, holding the files the reader is told to save."""
    path = tmp_path_factory.mktemp("readme")
    for block in BLOCKS:
        if block.file_name:
            (path / block.file_name).write_text(block.body, encoding="utf-8")
    return path


def test_readme_blocks_say_what_they_are():
    unknown = [f"line {b.line}: {b.kind or '(none)'}" for b in BLOCKS if b.kind not in RUN_KINDS]
    assert not unknown, f"fences need one of {sorted(RUN_KINDS)} as language: {unknown}"


def test_text_blocks_hold_no_commands_or_sessions():
    hidden = [b.line for b in BLOCKS if b.kind == "text"
              and any(l.startswith(("$ ", ">>> ")) for l in b.body.split("\n"))]
    assert not hidden, f"text blocks at README lines {hidden} hold commands: mark them console/python"


@pytest.mark.parametrize("block", [b for b in BLOCKS if b.kind in {"python", "console", "bash"}
                                   or b.output_above], ids=lambda b: b.id)
def test_readme_block_runs(block: Block, workdir: Path):
    if block.skip:
        pytest.skip(f"README.md line {block.line}: {block.skip}")
    where = f"README.md line {block.line}"
    if block.kind == "python" and block.is_doctest:
        session = workdir / f"block_{block.line}.txt"
        session.write_text(block.body, encoding="utf-8")
        out = subprocess.run([sys.executable, "-m", "doctest", "-o", "NORMALIZE_WHITESPACE",
                              "-o", "ELLIPSIS", session.name], capture_output=True, text=True,
                             cwd=workdir, env=_env(), timeout=TIMEOUT)
        assert out.returncode == 0, f"{where}: the session's output differs:\n{out.stdout}{out.stderr}"
    elif block.file_name and block.file_name.startswith("test_"):
        out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                              block.file_name], capture_output=True, text=True, cwd=workdir,
                             env=_env(), timeout=TIMEOUT)
        assert out.returncode == 0, f"{where}: pytest {block.file_name} failed:\n{out.stdout[-3000:]}"
    elif block.file_name:
        out = subprocess.run([sys.executable, "-c", f"import {block.file_name[:-3]}"],
                             capture_output=True, text=True, cwd=workdir, env=_env(),
                             timeout=TIMEOUT)
        assert out.returncode == 0, f"{where}: importing {block.file_name} failed:\n{out.stderr}"
    elif block.kind == "python":
        out = subprocess.run([sys.executable, "-c", _python_source(block)], capture_output=True,
                             text=True, cwd=workdir, env=_env(), timeout=TIMEOUT)
        assert out.returncode == 0, f"{where} failed:\n{out.stderr[-3000:]}"
    elif block.output_above:
        above = _python_above(block)
        out = subprocess.run([sys.executable, "-c", _python_source(above)], capture_output=True,
                             text=True, cwd=workdir, env=_env(), timeout=TIMEOUT)
        assert out.returncode == 0, f"README.md line {above.line} failed:\n{out.stderr[-3000:]}"
        assert _same_output(out.stdout, "...\n" + block.body + "..."), (
            f"{where}: the excerpt is not in what the block above prints:\n{out.stdout}")
    elif block.kind == "console":
        for command, expected in _console_commands(block.body):
            out = _bash(command, workdir)
            got = out.stdout + out.stderr
            assert _same_output(got, expected), (
                f"{where}: `{command}` printed (exit {out.returncode}):\n{_normalize(got)}\n"
                f"but the README shows:\n{_normalize(expected)}")
    else:
        for command in block.body.split("\n"):
            if command.strip() and not command.lstrip().startswith("#"):
                out = _bash(command, workdir)
                assert out.returncode == 0, (
                    f"{where}: `{command}` exited with {out.returncode}:\n{out.stderr[-2000:]}")


def test_console_comparison_ignores_timings_and_ellipses_but_not_numbers():
    assert _same_output("60 epochs (13.75 s)\n", "60 epochs (0.2 s)")
    assert not _same_output("loss 0.00050", "loss 0.00049")
    assert _same_output("step 0\nstep 1\nstep 2\ndone\n", "step 0\n...\ndone")
    assert not _same_output("step 0\nstep 1\n", "step 0\n...\ndone")


def test_an_excerpt_must_appear_in_order_in_the_output():
    output = "header\n  1. a = 1\n  2. b = 2\n  3. c = 3\nfooter\n"
    assert _same_output(output, "...\n  1. a = 1\n...\n  3. c = 3\n...")
    assert not _same_output(output, "...\n  3. c = 3\n  1. a = 1\n...")
    assert not _same_output(output, "...\n  2. b = 20\n...")


def test_parse_blocks_reads_the_output_above_marker():
    text = "```python\nprint(1)\n```\n<!-- readme-test: output of the block above -->\n```text\n1\n```\n"
    code, shown = parse_blocks(text)
    assert not code.output_above and shown.output_above and shown.body == "1\n"


def test_parse_blocks_reads_kind_body_and_skip_reason():
    text = "intro\n<!-- readme-test: skip needs a GPU -->\n```python\nx = 1\n```\n```text\nout\n```\n"
    first, second = parse_blocks(text)
    assert (first.line, first.kind, first.body, first.skip) == (3, "python", "x = 1\n", "needs a GPU")
    assert (second.kind, second.skip) == ("text", None)
