"""The README's lesson tables come from the lessons: the claims table is exactly what
``python -m symnn.experiments.table`` writes, and the measured table lists every claim of
every lesson with its seeds."""

from pathlib import Path

import pytest

from symnn import experiments as E
from symnn.experiments.table import (CLAIMS_MARKERS, MEASURED_MARKERS, block, claims_table,
                                     main, replace_block)

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_claims_table_is_the_one_the_lessons_declare():
    assert block(README.read_text(encoding="utf-8"), CLAIMS_MARKERS) == claims_table(), (
        "README.md's lesson table is out of date: run "
        "python -m symnn.experiments.table --write README.md")


def test_readme_measured_table_has_every_claim_of_every_lesson_on_seeds_0_to_4():
    rows = block(README.read_text(encoding="utf-8"), MEASURED_MARKERS).splitlines()
    table = [r for r in rows if r.startswith("| `")]
    expected = [(name, claim) for name in E.names() for claim in E.claims_of(name)]
    assert len(table) == len(expected), (
        "README.md's measured lesson table is out of date: run "
        "python -m symnn.experiments.table --measure --write README.md")
    for row, (name, claim) in zip(table, expected):
        assert row.startswith(f"| `{name}` | {claim.replace('|', chr(92) + '|')} |"), row
        assert "(seeds 0-4)" in row
    assert any("depend on the machine" in r for r in rows)


def test_claims_table_has_a_row_per_lesson_with_numbered_claims():
    rows = claims_table().splitlines()[2:]
    assert [r.split("`")[1] for r in rows] == E.names()
    for row, name in zip(rows, E.names()):
        assert all(f"{i}. " in row for i in range(1, len(E.claims_of(name)) + 1))


def test_replace_block_swaps_only_the_text_between_the_markers():
    text = f"a\n{CLAIMS_MARKERS[0]}\nold\n{CLAIMS_MARKERS[1]}\nb"
    assert replace_block(text, CLAIMS_MARKERS, "new") == (
        f"a\n{CLAIMS_MARKERS[0]}\nnew\n{CLAIMS_MARKERS[1]}\nb")
    with pytest.raises(ValueError, match="markers"):
        replace_block("no markers", CLAIMS_MARKERS, "x")


def test_write_replaces_the_claims_table_in_a_file(tmp_path):
    path = tmp_path / "README.md"
    path.write_text(f"intro\n{CLAIMS_MARKERS[0]}\n{CLAIMS_MARKERS[1]}\nend\n", encoding="utf-8")
    assert main(["--write", str(path)]) == 0
    assert block(path.read_text(encoding="utf-8"), CLAIMS_MARKERS) == claims_table()
