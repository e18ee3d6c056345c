"""The standing bad-input corpus (tests/corpus/cases.yaml): each kind of hostile input, fault
or special file run through the real command line, under a memory cap, with its expected
outcome, and the promises that hold for every case checked for all of them."""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import resource
import shutil
import signal
import stat
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import RULES, ROOT

CASES = yaml.safe_load((Path(__file__).parent / "corpus" / "cases.yaml").read_text(encoding="utf-8"))
MEMORY_CAP = 2 << 30  # bytes of address space: a blow-up fails its case, not the machine (polars needs ~1 GB)
BYTE = os.fsdecode(b"\xff")  # {xff} in a name: a byte that is not UTF-8, as a file name may hold
SUMMARY = re.compile(r"records read ([\d,]+), scored ([\d,]+), rejected ([\d,]+)")


def _expand(text: str) -> str:
    """{C*N}: the character C repeated N times; {xff}: a non-UTF-8 byte in a file name; {root}: the project."""
    text = re.sub(r"\{(.)\*(\d+)\}", lambda m: m.group(1) * int(m.group(2)), text)
    return text.replace("{xff}", BYTE).replace("{root}", str(ROOT))


def _encode(text: str, encoding: str = "utf-8") -> bytes:
    if encoding == "utf-8-with-bytes":  # \xNN escapes as raw bytes, everything else UTF-8
        return b"".join(bytes([ord(c)]) if 0x80 <= ord(c) <= 0xFF else c.encode() for c in text)
    return text.encode(encoding)


def _rows(spec: dict[str, Any]) -> bytes:
    row = spec["row"]
    if spec.get("same"):
        body = ((row + "\n") * spec["rows"]).encode()
    else:
        body = "".join(row.replace("{i}", str(i)) + "\n" for i in range(spec["rows"])).encode()
    data = (spec["header"] + "\n").encode() + body
    insert = spec.get("insert")
    if insert:
        cut = data.index(b"\n", insert["after_byte"]) + 1
        data = data[:cut] + _encode(insert["line"] + "\n", insert.get("encoding", "utf-8")) + data[cut:]
    return data


def _alias_bomb(levels: int) -> bytes:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]")
    lines.append(f"name: *a{levels - 1}")
    return ("\n".join(lines) + "\n").encode()


def _make(folder: Path, files: dict[str, Any]) -> list[threading.Thread]:
    """Create the case's files; returns the threads feeding its named pipes."""
    feeders = []
    for name, spec in files.items():
        path = folder / _expand(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(spec, str):
            path.write_bytes(_expand(spec).encode())
        elif "fifo" in spec:
            os.mkfifo(path)
            if spec["fifo"] is not None:
                data = _expand(spec["fifo"]).encode()
                feeder = threading.Thread(target=_feed, args=(path, data), daemon=True)
                feeder.start()
                feeders.append(feeder)
        elif "symlink" in spec:
            path.unlink(missing_ok=True)
            path.symlink_to(spec["symlink"])
        elif "copy_rules" in spec:
            shutil.copytree(RULES, path)
        elif "alias_bomb" in spec:
            path.write_bytes(_alias_bomb(spec["alias_bomb"]))
        elif "gzip" in spec:
            with gzip.open(path, "wb", compresslevel=9) as stream:
                stream.write(_rows(spec["gzip"]))
        elif "rows" in spec:
            path.write_bytes(_rows(spec))
        else:
            path.write_bytes(_encode(_expand(spec["text"]), spec.get("encoding", "utf-8")))
        if isinstance(spec, dict) and "mode" in spec:
            path.chmod(spec["mode"])
    return feeders


def _feed(path: Path, data: bytes) -> None:
    try:
        with open(path, "wb") as pipe:  # blocks until advisor opens the pipe to read it
            pipe.write(data)
    except OSError:
        pass  # the case failed to read it; its assertions say so


def _snapshot(folder: Path) -> dict[str, str]:
    """What every regular file holds, to prove inputs are never changed."""
    seen = {}
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink() and stat.S_ISREG(path.lstat().st_mode):
            seen[str(path.relative_to(folder))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return seen


def _limits(case: dict[str, Any]):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))
        if "fsize" in case:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG, as on a full disk
            resource.setrlimit(resource.RLIMIT_FSIZE, (case["fsize"], case["fsize"]))
        if "umask" in case:
            os.umask(case["umask"])
    return apply


def _run(case: dict[str, Any], folder: Path) -> tuple[int, bytes, bytes]:
    args = [_expand(str(a)) for a in case["run"]]
    stdin = case.get("stdin")
    data = b""
    if stdin is not None:
        data = _encode(stdin["text"], stdin.get("encoding", "utf-8")) if isinstance(stdin, dict) else stdin.encode()
    env = {**os.environ, "COLUMNS": "100", "POLARS_MAX_THREADS": "2", "ADVISOR_STATE_DIR": str(folder / ".state")}
    command = [sys.executable, "-m", "advisor", *args]
    if case.get("stdout") == "closed":  # `advisor ... | true`: the reader is gone before the output comes
        read_end, write_end = os.pipe()
        os.close(read_end)
        try:
            done = subprocess.run(command, input=data, stdout=write_end, stderr=subprocess.PIPE, cwd=folder,
                                  env=env, preexec_fn=_limits(case), timeout=120)
        finally:
            os.close(write_end)
        return done.returncode, b"", done.stderr
    if case.get("stdout") == "full":
        with open("/dev/full", "wb") as full:
            done = subprocess.run(command, input=data, stdout=full, stderr=subprocess.PIPE, cwd=folder, env=env,
                                  preexec_fn=_limits(case), timeout=120)
        return done.returncode, b"", done.stderr
    done = subprocess.run(command, input=data, capture_output=True, cwd=folder, env=env,
                          preexec_fn=_limits(case), timeout=120)
    return done.returncode, done.stdout, done.stderr


def test_the_corpus_is_wide_and_its_kinds_unique():
    kinds = [case["kind"] for case in CASES]
    assert len(kinds) == len(set(kinds)) and len(kinds) >= 60
    commands = {case["run"][0] if case["run"][0] != "rules" else " ".join(case["run"][:2]) for case in CASES}
    assert {"score", "recommend", "explain", "compare", "derive", "report", "ask", "rules check", "rules test",
            "rules diff"} <= commands
    assert any("--rules" in case["run"] for case in CASES)


class Outcome:
    """One case run: its folder, exit status, streams, and its inputs' contents before the run."""

    def __init__(self, case: dict[str, Any], folder: Path) -> None:
        folder.mkdir(parents=True)
        self.folder = folder
        feeders = _make(folder, case["files"])
        self.outputs = {_expand(name): want for name, want in (case["expect"].get("outputs") or {}).items()}
        self.before = {name: digest for name, digest in _snapshot(folder).items() if name not in self.outputs}
        self.status, stdout, stderr = _run(case, folder)
        for feeder in feeders:
            feeder.join(timeout=5)
        self.err = stderr.decode("utf-8", errors="replace")
        self.out = stdout.decode("utf-8", errors="replace")


@pytest.fixture(scope="session")
def outcomes(tmp_path_factory) -> dict[str, Outcome]:
    """Every case run once, several at a time: each is a process of its own, so they cannot meet."""
    from concurrent.futures import ThreadPoolExecutor

    root = tmp_path_factory.mktemp("corpus")
    with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 2)) as pool:
        runs = {case["kind"]: pool.submit(Outcome, case, root / case["kind"]) for case in CASES}
        return {kind: run.result() for kind, run in runs.items()}


@pytest.mark.parametrize("case", CASES, ids=[case["kind"] for case in CASES])
def test_bad_input(case, outcomes):
    outcome = outcomes[case["kind"]]
    folder, status, err, out = outcome.folder, outcome.status, outcome.err, outcome.out
    expect = case["expect"]
    outputs, before = outcome.outputs, outcome.before

    # what holds for every case
    assert "Traceback" not in err and status != 70, err[-2000:]
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", err.replace("\n", "")), "a control character reached stderr"
    assert all(len(line) <= 2_100 for line in err.splitlines()), "a message echoes a value whole"
    assert not [p.name for p in folder.rglob(".*.tmp")], "a temporary file was left behind"
    after = _snapshot(folder)
    assert {name: after.get(name) for name in before} == before, "an input was changed"

    # what this case expects
    assert status == expect["exit"], err[-2000:]
    for text in expect.get("stderr", []):
        assert _expand(text) in err, err[-2000:]
    for text in expect.get("stdout", []):
        assert _expand(text) in out
    if "summary" in expect:
        read, scored, rejected = (int(n.replace(",", "")) for n in SUMMARY.findall(err)[-1])
        assert (read, scored, rejected) == tuple(expect["summary"][k] for k in ("read", "scored", "rejected"))
        assert read == scored + rejected
    for name, want in outputs.items():
        path = folder / name
        if want == "absent":
            assert not path.exists()
            continue
        if "kind" in want:
            mode = path.lstat().st_mode
            assert {"fifo": stat.S_ISFIFO, "symlink": stat.S_ISLNK}[want["kind"]](mode)
            continue
        text = path.read_text(encoding="utf-8")
        if "rows" in want:  # a CSV written whole: the header and one line per scored record
            assert text.startswith("source,name,") and text.count("\n") == want["rows"] + 1
        for part in want.get("contains", []):
            assert _expand(part) in text
        for part in want.get("lacks", []):
            assert part not in text
        if "mode" in want:
            assert stat.S_IMODE(path.stat().st_mode) == want["mode"]
