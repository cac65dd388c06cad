"""`protokoll check` on a sound index, on each kind of broken file, and on a corpus that changed."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from app.cli import main
from indexer.index.check import check_index


@pytest.fixture
def built(index_copy: Path) -> Path:
    return index_copy


def version(path: Path) -> Path:
    return Path(os.path.realpath(path))


def test_a_sound_index(built: Path, corpus_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = check_index(built, corpus_copy)
    assert report.ok and "18 protocols, 644 paragraphs" in report.summary
    assert main(["check", "--index", str(built), "--corpus", str(corpus_copy)]) == 0
    assert capsys.readouterr().out.strip().endswith("OK")


def truncate(file: Path) -> None:
    file.write_bytes(file.read_bytes()[: max(1, file.stat().st_size // 3)])


@pytest.mark.parametrize(
    ("name", "damage"),
    [
        ("vectors.faiss", truncate),
        ("protocols.json", truncate),
        ("tables.npz", truncate),
        ("matters.npz", lambda f: f.write_bytes(b"not an npz")),
        ("keyword/params.index.json", lambda f: f.write_text("{", encoding="utf-8")),
        ("chunks.jsonl", truncate),
        ("manifest.json", lambda f: f.write_text(json.dumps({"schema_version": 1}), encoding="utf-8")),
    ],
)
def test_each_broken_file_is_one_clear_line(
    built: Path, name: str, damage: object, capsys: pytest.CaptureFixture[str]
) -> None:
    target = version(built) / name
    assert target.exists(), f"the index has no {name}"
    damage(target)  # type: ignore[operator]
    report = check_index(built)
    assert not report.ok
    assert main(["check", "--index", str(built)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("problem: ") and "Traceback" not in err
    if name != "chunks.jsonl":  # the searcher does not read chunk records; check does
        assert main(["search", "skola", "--index", str(built), "--model", "fake"]) == 1


def test_a_changed_corpus_is_reported(built: Path, corpus_copy: Path) -> None:
    (corpus_copy / "000_a1d265b92dc01c91.txt").write_text("§ 1 Ny\n\nNy text.\n", encoding="utf-8")
    (corpus_copy / "Lomma_Socialnamnden_2026-05-05.txt").unlink()
    report = check_index(built, corpus_copy)
    assert [p.split(" since")[0] for p in report.problems] == [
        f"1 file(s) changed in {corpus_copy}",
        f"1 file(s) removed in {corpus_copy}",
    ]


def test_no_index(tmp_path: Path) -> None:
    report = check_index(tmp_path / "none")
    assert not report.ok and "protokoll index" in report.problems[0]
