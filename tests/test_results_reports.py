"""Reports: JSON (deterministic), CSV, terminal text, HTML (checked in headless chromium)."""
import csv
import io
import json
import random
import shutil
import struct
import subprocess

import pytest

from evote.manifest import Manifest, make_demo_manifest
from evote.results import (ContestCounts, StationCounts, combine_station_counts,
                           compute_results)
from evote.results.model import ElectionResults
from evote.results.report_csv import contest_csv, station_csv, write_csv_reports
from evote.results.report_html import jalali_date, render_html, write_html_report
from evote.results.report_json import results_to_json_bytes
from evote.results.report_text import render_text

KEY = bytes(32)


def station_counts(manifest, rng):
    out = []
    for st in manifest.stations:
        for c in manifest.station_contests(st.station_id):
            votes = tuple(rng.randint(0, 40) for _ in c.candidates)
            valid = max(max(votes), -(-sum(votes) // c.max_choices))
            blank = rng.randint(0, 3)
            out.append(StationCounts(st.station_id, ContestCounts(c.contest_id, votes,
                                                                  valid + blank, blank),
                                     paper=st.station_id.endswith("st002")))
    return out


def election(seed=5, method="plurality", manifest=None, lot_seed=b"published lot seed"):
    m = manifest or make_demo_manifest(seed, 3, 3, authority_key=KEY, city_method=method)
    stations = station_counts(m, random.Random(seed))
    combined = combine_station_counts(m, stations)
    results = compute_results(m, [k for k, _ in combined.values()], seed=lot_seed,
                              paper_stations={cid: p for cid, (_, p) in combined.items()})
    return ElectionResults(m, results, stations, lot_seed=lot_seed)


def test_combine_station_counts():
    m = make_demo_manifest(1, 3, 1, authority_key=KEY)
    st = station_counts(m, random.Random(1))
    combined = combine_station_counts(m, st)
    city = combined["council-city-1"][0]
    parts = [s.counts for s in st if s.counts.contest_id == "council-city-1"]
    assert city.votes == tuple(map(sum, zip(*(p.votes for p in parts))))
    assert city.ballots_cast == sum(p.ballots_cast for p in parts)
    assert combined["council-city-1"][1] == ("city-1-st002",)
    with pytest.raises(ValueError, match="counted twice"):
        combine_station_counts(m, st + st[:1])
    wrong = StationCounts("village-001-st001", parts[0])
    with pytest.raises(ValueError, match="does not offer"):
        combine_station_counts(m, [wrong])


def test_json_deterministic_and_complete():
    a = results_to_json_bytes(election())
    b = results_to_json_bytes(election())
    assert a == b
    obj = json.loads(a)
    assert obj["version"] == "evote-results/1"
    assert obj["lot_seed"] == b"published lot seed".hex()
    city = obj["contests"][0]
    assert len(city["winners"]) == 9 and len(city["alternate_codes"]) == 6
    assert list(city) == sorted(city)  # sorted keys
    assert city["paper_stations"] == ["city-1-st002"]
    assert any(s["paper"] for s in obj["stations"])
    assert a != results_to_json_bytes(election(seed=6))
    p = json.loads(results_to_json_bytes(election(method="proportional")))
    assert p["contests"][0]["lists"] and p["contests"][0]["quota"]


def test_csv():
    er = election()
    rows = list(csv.reader(io.StringIO(contest_csv(er, "council-city-1"))))
    assert rows[0][:3] == ["contest_id", "code", "name"]
    assert len(rows) == 51
    assert sum(1 for r in rows[1:] if r[7] == "winner") == 9
    r = er.result("council-city-1")
    assert [int(x[5]) for x in rows[1:]] == [c.votes for c in r.candidates]
    srows = list(csv.reader(io.StringIO(station_csv(er, "council-city-1"))))
    assert len(srows) == 4 and srows[2][2] == "paper" and srows[1][2] == "encrypted"
    assert [sum(int(x[6 + i]) for x in srows[1:]) for i in range(50)] == \
        [c.votes for c in r.candidates]
    assert contest_csv(er, "council-city-1", excel=True).startswith("\ufeff")


def test_csv_formula_cells_quoted_for_spreadsheets(tmp_path):
    m = make_demo_manifest(2, 1, 0, authority_key=KEY)
    obj = m.to_json_obj()
    obj["contests"][0]["candidates"][0]["name"] = "=HYPERLINK(\"x\")"
    er = election(manifest=Manifest.from_json_obj(obj))
    assert "'=HYPERLINK" in contest_csv(er, "council-city-1", excel=True)
    files = write_csv_reports(er, tmp_path)
    assert set(files) == {"contest-council-city-1.csv", "stations-council-city-1.csv"}


def test_text_report():
    er = election()
    out = render_text(er, bytes(32), bytes(range(32)))
    assert out.count("WIN") == 9 + 3 + 5 + 3  # city 9, villages 3/5/3
    assert f"record root hash: {bytes(32).hex()}" in out
    assert f"election package hash: {bytes(range(32)).hex()}" in out
    assert render_text(er, bytes(32), bytes(range(32))) == out      # deterministic
    assert "paper-fallback stations" in out and "city-1-st002" in out
    assert "\x1b[" not in out


def test_jalali_date():
    assert jalali_date("2026-06-12") == "۲۲ خرداد ۱۴۰۵"
    assert jalali_date("2026-03-21") == "۱ فروردین ۱۴۰۵"


def test_html_content():
    er = election(method="proportional")
    page = render_html(er)
    assert page.startswith("<!DOCTYPE html>")
    assert '<html dir="rtl" lang="fa">' in page
    assert jalali_date(er.manifest.election_date) in page
    # a chart per contest, and one more for the list votes of a proportional contest
    assert page.count('<figure class="chart"') == \
        len(er.contests) + sum(1 for r in er.contests if r.lists)
    assert "<svg" not in page    # labels are HTML text: an SVG scaled to a phone shrank them
    assert "منتخب" in page and "علی‌البدل" in page and "کاغذی" in page
    # Persian digits for the counts, ASCII only inside ids/hashes.
    city = er.result("council-city-1")
    from evote.manifest import to_persian_digits
    assert to_persian_digits(city.ballots_cast, group=True) in page
    # Self-contained: nothing loaded from elsewhere, no script.
    for bad in ("http://", "https://", "<script", "<link", "src=", "@import", "url("):
        assert bad not in page
    assert render_html(er) == page


def test_html_escapes_manifest_text():
    m = make_demo_manifest(3, 1, 0, authority_key=KEY)
    obj = m.to_json_obj()
    obj["contests"][0]["candidates"][0]["name"] = "<script>alert(1)</script>"
    obj["name"] = "انتخابات & <b>"
    er = election(manifest=Manifest.from_json_obj(obj))
    page = render_html(er)
    assert "<script" not in page and "&lt;script&gt;" in page
    assert "<b>" not in page and "&amp; &lt;b&gt;" in page


def _chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _png_size(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    w, h = struct.unpack(">II", data[16:24])
    return len(data), w, h


def _screenshot(html_path, png_path):
    cmd = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
           "--window-size=1200,1600", f"--screenshot={png_path}", html_path.as_uri()]
    subprocess.run(cmd, capture_output=True, timeout=120, check=False)


@pytest.mark.skipif(_chromium() is None,
                    reason="chromium is not installed (apt-get install -y chromium)")
def test_html_in_headless_chromium(tmp_path):
    er = election(method="proportional")
    page = tmp_path / "results.html"
    write_html_report(er, page)
    blank = tmp_path / "blank.html"
    blank.write_text('<!DOCTYPE html><html dir="rtl" lang="fa"><body></body></html>',
                     encoding="utf-8")
    _screenshot(page, tmp_path / "results.png")
    _screenshot(blank, tmp_path / "blank.png")
    size, w, h = _png_size(tmp_path / "results.png")
    blank_size, _, _ = _png_size(tmp_path / "blank.png")
    assert (w, h) == (1200, 1600)
    # A rendered page of charts, tables and Persian text compresses far worse than an
    # empty one; a page that failed to render (or rendered empty) would not.
    assert size > 10 * blank_size and size > 60_000, (size, blank_size)
    dom = subprocess.run([_chromium(), "--headless", "--no-sandbox", "--disable-gpu",
                          "--dump-dom", page.as_uri()], capture_output=True, timeout=120)
    text = dom.stdout.decode("utf-8")
    assert text.count('<figure class="chart"') == len(er.contests) + 1 and "منتخب" in text


def test_unresolved_tie_is_shown_everywhere():
    from evote.manifest import Candidate, Contest, District, Manifest as M, BallotStyle
    from evote.results import compute_result
    c = Contest("c", "شورای روستا", "d", seats=1, alternates=0, max_choices=1,
                method="plurality", candidates=(Candidate(1, "الف"), Candidate(2, "ب")))
    m = M("e", "انتخابات", "2026-06-12", (District("d", "روستا", "village"),), (), (c,),
          (BallotStyle("s", ("c",)),), KEY)
    r = compute_result(c, ContestCounts("c", (5, 5), 10, 0))
    er = ElectionResults(m, (r,))
    assert not r.resolved
    page = render_html(er)
    assert "تساوی حل‌نشده" in page and "این تساوی حل نشده است: قرعه هنوز کشیده" in page
    assert "الف (۱) و ب (۲) با آرای برابر (۵)" in page     # names, not only codes
    assert "UNRESOLVED" in render_text(er)
    obj = json.loads(results_to_json_bytes(er))
    assert obj["contests"][0]["resolved"] is False and obj["lot_seed"] is None
    assert [c["status"] for c in obj["contests"][0]["candidates"]] == ["undecided"] * 2
