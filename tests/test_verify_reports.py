"""V18: the reports people read are checked byte for byte against those regenerated from
the verified results (issue 12 part 4). The root hash does not cover reports/ (they show
it), so `--root` alone would pass a page with a swapped winner: these forgeries must fail
V18, at the report's path, and nothing else."""
import json
import os
import random

import pytest

from evote.manifest import Manifest
from evote.verify.run import verify_record

from test_verify_support import copy_record, small_record


@pytest.fixture(scope="module")
def record(tmp_path_factory):
    return small_record(tmp_path_factory)


def _root(d):
    return bytes.fromhex(open(os.path.join(d, "ROOT")).read().strip())


def _only_v18(d, *locations):
    """Verify d pinned to its own root: V18 alone fails, at exactly these locations."""
    rep = verify_record(d, jobs=1, expected_root=_root(d))
    failed = [c.number for c in rep.checks if c.status == "fail"]
    assert failed == ["V18"], rep.to_text()
    assert rep.exit_code == 1 and not rep.valid
    assert sorted({f.location for f in rep.get("V18").failures}) == sorted(locations), \
        rep.to_text()
    return rep


def _winner_and_loser(d):
    """(name of a winner, name of a candidate who won nothing) of the first contest."""
    res = json.loads(open(os.path.join(d, "results", "results.json"), "rb").read())
    m = Manifest.from_json_obj(json.loads(open(os.path.join(d, "manifest.json"), "rb").read()))
    c = res["contests"][0]
    names = {x.code: x.name for x in m.contest(c["contest_id"]).candidates}
    losers = [x["code"] for x in c["candidates"] if x["status"] == "none"]
    return names[c["winners"][0]], names[losers[0]]


def test_untouched_reports_pass(record):
    rep = verify_record(record, jobs=1, expected_root=_root(record))
    v18 = rep.get("V18")
    assert v18.status == "pass" and v18.checked >= 4, rep.to_text()


def test_swapped_winner_in_the_html_is_refused(record, tmp_path):
    d = copy_record(record, tmp_path)
    path = os.path.join(d, "reports", "results.html")
    page = open(path, encoding="utf-8").read()
    winner, loser = _winner_and_loser(d)
    assert winner in page and loser in page
    swapped = page.replace(winner, "\0").replace(loser, winner).replace("\0", loser)
    assert swapped != page
    open(path, "w", encoding="utf-8").write(swapped)
    rep = _only_v18(d, "reports/results.html")
    (msg,) = [f.message for f in rep.get("V18").failures]
    assert "first difference at byte" in msg and "does not show what the record proves" in msg


def test_changed_vote_count_in_text_and_csv_is_refused(record, tmp_path):
    d = copy_record(record, tmp_path)
    reports = sorted(os.listdir(os.path.join(d, "reports")))
    csv_name = next(n for n in reports if n.startswith("contest-"))
    for name in ("results.txt", csv_name):
        path = os.path.join(d, "reports", name)
        data = open(path, "rb").read()
        k = data.rindex(b"1")          # a digit of a count (or of a hash): any byte matters
        open(path, "wb").write(data[:k] + b"2" + data[k + 1:])
    _only_v18(d, "reports/results.txt", f"reports/{csv_name}")


def test_missing_extra_and_linked_reports_are_refused(record, tmp_path):
    d = copy_record(record, tmp_path)
    os.unlink(os.path.join(d, "reports", "results.txt"))
    with open(os.path.join(d, "reports", "summary.html"), "w") as f:
        f.write("<p>the winners are ...</p>")
    os.symlink("results.html", os.path.join(d, "reports", "index.html"))
    rep = _only_v18(d, "reports/results.txt", "reports/summary.html", "reports/index.html")
    text = rep.to_text()
    assert "missing" in text and "does not define" in text and "not followed" in text


def test_random_byte_changes_in_reports_always_refused(record, tmp_path):
    rng = random.Random(1212)
    names = sorted(os.listdir(os.path.join(record, "reports")))
    for i in range(12):
        name = names[i % len(names)]
        d = copy_record(record, tmp_path / f"r{i}")
        path = os.path.join(d, "reports", name)
        data = bytearray(open(path, "rb").read())
        k = rng.randrange(len(data))
        data[k] = (data[k] + rng.randrange(1, 256)) % 256
        open(path, "wb").write(bytes(data))
        _only_v18(d, f"reports/{name}")
