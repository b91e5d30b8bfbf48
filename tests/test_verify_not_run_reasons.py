"""specs/record.md 8.4: the reason a check gives for not running is the table's, word for
word. Records from the record vectors (specs/vectors/records/); the reasons are read from
the spec's table, not written here."""
import os
import re

import pytest

from evote.verify.run import verify_record

from test_record_vectors import build

SPEC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "specs",
                    "record.md")


def _table_reasons():
    """check -> the printed reasons of its rows in record.md 8.4."""
    text = open(SPEC, encoding="utf-8").read()
    section = text[text.index("### 8.4"):text.index("### 8.5")]
    out = {}
    for line in section.splitlines():
        m = re.match(r"\| (V[0-9]+(?:-V[0-9]+)?(?:, V[0-9]+)*) \| .* \| `([^`]+)` \|$", line)
        if m:
            for check in m.group(1).split(", "):
                out.setdefault(check, set()).add(m.group(2))
    return out


REASONS = _table_reasons()


def test_the_table_is_read():
    assert {"V5-V11", "V12", "V14", "V15", "V16", "V18"} <= set(REASONS)
    assert len(REASONS["V15"]) == 2 and len(REASONS["V18"]) == 2


@pytest.mark.parametrize("name", ["not-run-decryption-unreadable", "not-run-lot-unreadable",
                                  "not-run-failed-check-is-fail", "box-duplicated-frame"])
def test_reasons_are_the_tables(name, tmp_path):
    v, record = build(name, tmp_path)
    rep = verify_record(record, jobs=1)
    seen = 0
    for c in rep.checks:
        if c.status != "not run":
            continue
        seen += 1
        key = "V5-V11" if c.number in {f"V{k}" for k in range(5, 12)} else c.number
        assert c.not_run_reason in REASONS[key], (c.number, c.not_run_reason)
    assert seen == sum(s == "not run" for s in v["expected"]["checks"].values()) > 0
