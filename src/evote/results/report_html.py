"""The human results page: one self-contained HTML file (no external resource, no script:
CSS inline, charts as HTML bars), right-to-left Persian (dir="rtl" lang="fa"), Persian
digits, the election date in the Jalali calendar, a bar chart per contest with winners
and alternates marked, ties told with names and how the lot was drawn, a per-station
table with every station of the contest (paper-fallback stations with their declared
counts; electronic ones with their ballots cast and a link to their page of codes,
reports/station-<id>.html). Every text from the manifest is HTML-escaped. The same
arguments give the same bytes.

Readable on a phone (390 px wide) as on a desktop: every label is HTML text at the
page's font size (an SVG chart scaled to the screen shrank its labels to about 4 px), bar
lengths are percentages of the row, tables fit the width (columns that only repeat what
a row already says are hidden on narrow screens, long ids wrap), checked in headless
chromium by tests/test_results_reports_phone.py.
"""
import datetime
from fractions import Fraction
from html import escape
from math import floor
from typing import List, Mapping, Optional, Sequence

import jdatetime

from ..manifest.normalize import persian_digits, to_persian_digits
from .model import ContestResult, ElectionResults

JALALI_MONTHS = ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان",
                 "آذر", "دی", "بهمن", "اسفند")
STATUS_FA = {"winner": "منتخب", "alternate": "علی‌البدل", "undecided": "تساوی حل‌نشده",
             "none": ""}
COLOR = {"winner": "#2e7d32", "alternate": "#e0a100", "undecided": "#c62828",
         "none": "#9aa7b0"}
METHOD_FA = {"plurality": "اکثریت نسبی", "proportional": "تناسبی (فهرستی)"}
KIND_FA = {"city": "شهر", "village": "روستا"}
ATTR_FA = {"education": "تحصیلات", "priority": "اولویت", "seats": "کرسی‌ها",
           "votes": "آرا"}

CSS = """
body{font-family:Vazirmatn,Tahoma,"DejaVu Sans","Noto Naskh Arabic",sans-serif;margin:0;
background:#f4f6f8;color:#1d2730;line-height:1.6;font-size:16px}
h1,h2,h3,p,li,figcaption{overflow-wrap:anywhere}
.brk{overflow-wrap:anywhere;word-break:break-all}
header{background:#17324d;color:#fff;padding:16px 24px}
header h1{margin:0;font-size:1.45em;line-height:1.3}
header p{margin:4px 0 0;opacity:.9}
main{padding:10px 24px 36px;max-width:1100px;margin:0 auto}
section.contest{background:#fff;border-radius:8px;padding:14px 18px;margin:16px 0;
box-shadow:0 1px 3px rgba(0,0,0,.12)}
h2{margin:0 0 4px;font-size:1.25em;line-height:1.35}
h3{font-size:1.05em;margin:14px 0 4px}
.meta{color:#4a5a68;margin:0 0 10px}
.warn{color:#c62828;font-weight:bold}
table{border-collapse:collapse;margin:10px 0;font-size:.92em;width:100%}
th,td{border-bottom:1px solid #dde3e8;padding:3px 8px;text-align:right;
overflow-wrap:break-word}
th{background:#eef2f5;font-weight:bold}
td.n{font-variant-numeric:tabular-nums;text-align:left;white-space:nowrap}
tr.winner td{background:#e8f5e9}
tr.alternate td{background:#fff8e1}
tr.undecided td{background:#ffebee}
.badge{display:inline-block;border-radius:4px;padding:0 6px;color:#fff;font-size:.85em;
white-space:nowrap}
.badge.winner{background:#2e7d32}.badge.alternate{background:#8a6200}
.badge.undecided{background:#c62828}.badge.paper{background:#6a1b9a}
.badge.encrypted{background:#37617f}
.legend span{margin-left:12px}
.chart{margin:10px 0}
.bar{display:grid;grid-template-columns:minmax(0,15em) minmax(0,1fr);
column-gap:8px;align-items:center;font-size:.9em;padding:1px 0}
.bar .label{overflow-wrap:anywhere;line-height:1.3}
.bar .track{display:flex;align-items:center;gap:6px;min-width:0}
.bar .fill{display:block;flex:none;height:1em;border-radius:2px}
.bar .fill.winner{background:#2e7d32}.bar .fill.alternate{background:#e0a100}
.bar .fill.undecided{background:#c62828}.bar .fill.none{background:#9aa7b0}
.bar .v{font-variant-numeric:tabular-nums;text-align:left;white-space:nowrap}
.find{background:#e3f0fa;border-radius:8px;padding:8px 14px;margin:14px 0}
footer{color:#5b6975;font-size:.85em;padding:0 24px 24px;direction:ltr;text-align:left}
code{font-family:"DejaVu Sans Mono",monospace;word-break:break-all}
td code{word-break:normal;white-space:nowrap}
section.hashes{background:#fff;border-left:4px solid #17324d;padding:6px 14px;margin:14px 0;
font-size:.9em;text-align:left}
section.hashes p{margin:2px 0}
@media (max-width:640px){
header{padding:12px 14px}main{padding:6px 10px 28px}footer{padding:0 10px 20px}
section.contest{padding:10px 10px;margin:12px 0}
.bar{grid-template-columns:minmax(0,9.5em) minmax(0,1fr);column-gap:6px}
th,td{padding:3px 4px}
.wide{display:none}
}
"""


def jalali_date(iso: str) -> str:
    """'2026-06-12' -> '۲۲ خرداد ۱۴۰۵' (Gregorian to Jalali with jdatetime)."""
    g = datetime.date.fromisoformat(iso)
    j = jdatetime.date.fromgregorian(date=g)
    return f"{to_persian_digits(j.day)} {JALALI_MONTHS[j.month - 1]} {to_persian_digits(j.year)}"


LONG_WORD = 16   # characters: a longer word in a table cell may break anywhere


def _cell(text: str) -> str:
    """Manifest text for a table cell, escaped. A word longer than LONG_WORD characters
    is marked breakable anywhere, so no name widens a table past a phone's screen; other
    words never break inside (breaking every word anywhere made the table squeeze
    ordinary names letter by letter)."""
    if any(len(w) > LONG_WORD for w in text.split()):
        return f'<span class="brk">{escape(text)}</span>'
    return escape(text)


def _fa(n: int) -> str:
    return to_persian_digits(n, group=True)


def _pct(votes: int, valid: int) -> str:
    if valid == 0:
        return "۰"
    tenths = (votes * 1000 + valid // 2) // valid  # rounded to 0.1 %, integer arithmetic
    return persian_digits(f"{tenths // 10}") + "\u066b" + persian_digits(str(tenths % 10))


def _num(exact: str) -> str:
    """An exact number ("12" or "206/3") for display: Persian digits, fractions as
    decimals rounded half up to 2 places (the JSON keeps the exact value)."""
    q = Fraction(exact)
    if q.denominator == 1:
        return _fa(q.numerator)
    hundredths = floor(q * 100 + Fraction(1, 2))
    whole, frac = divmod(hundredths, 100)
    return _fa(whole) + "\u066b" + persian_digits(f"{frac:02d}")


def _scope_fa(scope: str) -> str:
    if scope == "candidates":
        return "نامزدها"
    if scope.startswith("list "):
        return "فهرست " + persian_digits(scope[5:])
    if scope == "independents":
        return "مستقل‌ها"
    if scope.startswith("independent "):
        return "نامزد مستقل " + persian_digits(scope[12:])
    base, _, rnd = scope.partition(" round ")
    suffix = f" (دور {persian_digits(rnd)})" if rnd else ""
    if base == "lists":
        return "کرسی‌های باقی‌مانده فهرست‌ها" + suffix
    if base == "alternate shares":
        return "سهم علی‌البدل فهرست‌ها" + suffix
    return escape(scope)


def _bars(title: str, rows) -> str:
    """A bar chart for rows of (label, value, status), in the order given: per row the
    label (HTML text, so it stays at the page's font size on any screen), then a bar
    whose length is value / the largest value of the room left beside the number (in
    0.1 % steps, integer arithmetic), and the value in Persian digits at its end. No
    script, no SVG."""
    vmax = max([v for _, v, _ in rows] + [1])
    out = [f'<figure class="chart" aria-label="{escape(title)}">']
    for label, value, status in rows:
        per_mille = (value * 1000 + vmax // 2) // vmax
        width = f"calc((100% - 4.5em) * {per_mille // 1000}.{per_mille % 1000:03d})"
        out.append(f'<div class="bar"><span class="label">{escape(label)}</span>'
                   f'<span class="track"><span class="fill {status}" style="width:{width}">'
                   f'</span><span class="v">{_fa(value)}</span></span></div>')
    out.append("</figure>")
    return "\n".join(out)


def bar_chart(er: ElectionResults, r: ContestResult) -> str:
    """The contest's candidates, most votes first, coloured by status."""
    contest = er.manifest.contest(r.contest_id)
    names = {c.code: c.name for c in contest.candidates}
    rows = [(f"{names[c.code]} ({to_persian_digits(c.code)})", c.votes, c.status)
            for c in sorted(r.candidates, key=lambda c: (-c.votes, c.code))]
    return _bars(f"{contest.name}: نمودار آرا", rows)


def _pool_name(er: ElectionResults, r: ContestResult, p) -> str:
    names = {q.code: q.name for q in er.manifest.contest(r.contest_id).lists}
    if p.list_code is not None:
        return names[p.list_code]
    if len(p.members) > 1:
        return "مستقل‌ها"
    cand = er.manifest.contest(r.contest_id).candidate(p.members[0])
    return f"{cand.name} (مستقل، {to_persian_digits(p.members[0])})"


def lists_chart(er: ElectionResults, r: ContestResult) -> str:
    """A proportional contest's pools by votes, with their seats; pools with seats green."""
    rows = []
    for p in sorted(r.lists, key=lambda p: (-p.votes, p.list_code or 0, p.members)):
        rows.append((f"{_pool_name(er, r, p)} ({_fa(p.seats)} کرسی)", p.votes,
                     "winner" if p.seats else "none"))
    return _bars("آرای فهرست‌ها و کرسی‌ها", rows)


def _candidates_table(er: ElectionResults, r: ContestResult) -> str:
    contest = er.manifest.contest(r.contest_id)
    by_code = {c.code: c for c in contest.candidates}
    lists = {p.code: p.name for p in contest.lists}
    has_lists = bool(contest.lists)
    head = ('<tr><th class="wide">رتبه</th><th>کد</th><th>نام</th>'
            + ("<th>فهرست</th>" if has_lists else "")
            + "<th>آرا</th><th>درصد</th><th>نتیجه</th></tr>")
    rows = [head]
    for cr in sorted(r.candidates, key=lambda c: (c.rank, c.code)):
        c = by_code[cr.code]
        badge = (f'<span class="badge {cr.status}">{STATUS_FA[cr.status]}</span>'
                 if cr.status != "none" else "")
        lst = f"<td>{_cell(lists.get(c.list_code, 'مستقل'))}</td>" if has_lists else ""
        rows.append(f'<tr class="{cr.status}"><td class="n wide">{_fa(cr.rank)}</td>'
                    f'<td class="n">{to_persian_digits(cr.code)}</td><td>{_cell(c.name)}</td>'
                    f'{lst}<td class="n">{_fa(cr.votes)}</td>'
                    f'<td class="n">{_pct(cr.votes, r.valid)}٪</td><td>{badge}</td></tr>')
    return "<table>" + "\n".join(rows) + "</table>"


def _succession(er: ElectionResults, r: ContestResult) -> str:
    contest = er.manifest.contest(r.contest_id)
    names = {c.code: c.name for c in contest.candidates}

    def seq(codes):
        return "، ".join(f"{escape(names[c])} ({to_persian_digits(c)})" for c in codes) or "—"
    return (f'<p><span class="badge winner">منتخبان</span> {seq(r.winners)}</p>'
            f'<p><span class="badge alternate">علی‌البدل‌ها به ترتیب</span> '
            f"{seq(r.alternate_codes)}</p>")


def _lists_table(er: ElectionResults, r: ContestResult) -> str:
    if not r.lists:
        return ""
    rows = ['<tr><th>فهرست</th><th>آرا</th><th class="wide">سهمیه کامل</th>'
            '<th class="wide">باقی‌مانده</th><th>کرسی</th><th>علی‌البدل</th></tr>']
    for p in r.lists:
        note = "" if p.eligible else " (زیر حد نصاب)"
        rows.append(f"<tr><td>{_cell(_pool_name(er, r, p))}{note}</td>"
                    f"<td class='n'>{_fa(p.votes)}</td>"
                    f"<td class='n wide'>{_fa(p.quota_seats)}</td><td class='n wide'>"
                    f"{_num(p.remainder)}</td>"
                    f"<td class='n'>{_fa(p.seats)}</td><td class='n'>{_fa(p.alternates)}</td></tr>")
    quota = "" if r.quota is None else f"<p class='meta'>سهمیه: {_num(r.quota)}</p>"
    return ("<h3>فهرست‌ها</h3>" + lists_chart(er, r) + quota + "<table>"
            + "\n".join(rows) + "</table>")


LOT_HOW = ("قرعه چگونه کشیده شد: هر یک از امنای انتخابات پیش از رأی‌گیری عددی تصادفی را "
           "رمزشده در پرونده گذاشت و مجموع این عددها همراه با شمارش آرا رمزگشایی شد، پس "
           "هیچ‌کس، حتی پس از دیدن آرا، نمی‌توانست نتیجهٔ قرعه را برگزیند و هر کس می‌تواند آن "
           "را با <code>evote verify</code> تکرار کند.")


def _entry_name(er: ElectionResults, r: ContestResult, scope: str, code: int) -> str:
    """The name of a tied entry: a candidate, or (scopes "lists" and "alternate shares")
    a list, the independents' pool (0) or one independent (its candidate code)."""
    contest = er.manifest.contest(r.contest_id)
    if scope.split(" round ")[0] in ("lists", "alternate shares"):
        lists = {q.code: q.name for q in contest.lists}
        if code in lists:
            return escape(lists[code])
        if code == 0:
            return "مستقل‌ها"
    names = {c.code: c.name for c in contest.candidates}
    if code in names:
        return f"{escape(names[code])} ({to_persian_digits(code)})"
    return to_persian_digits(code)


def _scope_words(er: ElectionResults, r: ContestResult, scope: str) -> str:
    """Where a tie was, in words: nothing for the contest's candidates, the list's name
    for a list's members, else the scope's Persian description."""
    if scope == "candidates":
        return ""
    if scope.startswith("list ") and scope[5:].isdigit():
        lists = {q.code: q.name for q in er.manifest.contest(r.contest_id).lists}
        if int(scope[5:]) in lists:
            return f" در «{escape(lists[int(scope[5:])])}»"
    return f" در {_scope_fa(scope)}"


def _ties(er: ElectionResults, r: ContestResult) -> str:
    """Each tie in one sentence, with names: who was tied, on what, how it was broken,
    the order that came out; and, when a lot decided one, how the lot was drawn."""
    if not r.ties:
        return ""
    items = []
    for t in r.ties:
        name = lambda c: _entry_name(er, r, t.scope, c)  # noqa: E731
        who = " و ".join(name(c) for c in t.codes)
        order = "، سپس ".join(" و ".join(name(c) for c in g) for g in t.order)
        on = "آرای برابر" if t.scope.split(" round ")[0] not in ("lists", "alternate shares") \
            else "امتیاز برابر"
        if t.step == "lot":
            how = f"با قرعه به این ترتیب درآمدند: {order}."
        elif t.step == "unresolved":
            how = ('<span class="warn">این تساوی حل نشده است: قرعه هنوز کشیده '
                   "نشده است.</span>")
        else:
            how = (f"به حکم قانون، {escape(ATTR_FA.get(t.step, t.step))} بیشتر جلوتر است، "
                   f"پس به این ترتیب درآمدند: {order}.")
        items.append(f"<li>{who} با {on} ({_num(t.score)}){_scope_words(er, r, t.scope)} "
                     f"مساوی شدند؛ {how}</li>")
    lot = f'<p class="meta">{LOT_HOW}</p>' if any(t.step == "lot" for t in r.ties) else ""
    return "<h3>تساوی‌ها</h3><ul>" + "\n".join(items) + "</ul>" + lot


def _station_link(station_id: str) -> str:
    return f"station-{escape(station_id)}.html"


def _stations_table(er: ElectionResults, r: ContestResult,
                    cast_codes: Mapping[str, Sequence]) -> str:
    """Every station offering the contest, in manifest order: a paper station with its
    declared counts; an electronic one (in cast_codes) with its ballots cast (its CAST
    records) and a link to its page of codes; a fallback station both rows. Votes per candidate of an electronic
    station are never decrypted (only district totals are), so they are not shown."""
    m = er.manifest
    paper = {s.station_id: s for s in er.station_rows(r.contest_id)}
    rows = ['<tr><th>شعبه</th><th class="wide">شناسه</th><th>نوع</th><th>آرای مأخوذه</th>'
            "<th>سفید</th><th>صحیح</th></tr>"]
    electronic = 0
    for st in m.stations:
        sid = st.station_id
        if sid in paper:
            k = paper[sid].counts
            rows.append(f"<tr><td>{_cell(st.name)}</td>"
                        f'<td class="wide"><code>{escape(sid)}</code></td>'
                        '<td><span class="badge paper">کاغذی (اعلام‌شده)</span></td>'
                        f"<td class='n'>{_fa(k.ballots_cast)}</td><td class='n'>{_fa(k.blank)}"
                        f"</td><td class='n'>{_fa(k.valid)}</td></tr>")
        # a station that fell back to paper (specs/record.md 5.4) has both rows: its
        # declared paper counts above, its boxes' ballots cast and codes page here
        if sid in cast_codes and any(c.contest_id == r.contest_id
                                       for c in m.station_contests(sid)):
            electronic += 1
            rows.append(f'<tr><td><a href="{_station_link(sid)}">{_cell(st.name)}</a></td>'
                        f'<td class="wide"><code>{escape(sid)}</code></td>'
                        '<td><span class="badge encrypted">الکترونیکی</span></td>'
                        f"<td class='n'>{_fa(len(cast_codes[sid]))}</td><td class='n'>—</td>"
                        "<td class='n'>—</td></tr>")
    if len(rows) == 1:
        return ""
    note = ("" if not electronic else
            '<p class="meta">در شعبه‌های الکترونیکی فقط شمار آرای ثبت‌شده منتشر می‌شود: آرا '
            "فقط برای کل حوزه رمزگشایی می‌شود تا رأی کسی در شعبه‌ای کوچک آشکار نشود. با زدن "
            "نام شعبه، کدهای تأیید آرای آن را ببینید و کد رسیدتان را بجویید.</p>")
    return "<h3>شعبه‌ها</h3><table>" + "\n".join(rows) + "</table>" + note


def _contest_section(er: ElectionResults, r: ContestResult,
                     cast_codes: Mapping[str, Sequence]) -> str:
    m = er.manifest
    contest = m.contest(r.contest_id)
    district = m.district(contest.district_id)
    paper = set(r.paper_stations) | {s.station_id for s in er.station_rows(r.contest_id)
                                     if s.paper}
    parts: List[str] = [
        f'<section class="contest" id="{escape(r.contest_id)}">',
        f"<h2>{escape(contest.name)}</h2>",
        f'<p class="meta">حوزه: {escape(district.name)} ({KIND_FA[district.kind]}) | '
        f"روش: {METHOD_FA[r.method]} | کرسی: {_fa(r.seats)} | علی‌البدل: {_fa(r.alternates)} | "
        f"آرای مأخوذه: {_fa(r.ballots_cast)} | سفید: {_fa(r.blank)} | صحیح: {_fa(r.valid)}</p>",
    ]
    if paper:
        parts.append(f'<p class="meta"><span class="badge paper">کاغذی</span> این نتیجه شامل '
                     f"نتایج اعلام‌شده {_fa(len(paper))} شعبهٔ کاغذی است.</p>")
    if r.unfilled_seats and r.resolved:
        parts.append(f'<p class="warn">{_fa(r.unfilled_seats)} کرسی بدون منتخب ماند.</p>')
    if not r.resolved:
        parts.append('<p class="warn">تساوی حل‌نشده: برخی کرسی‌ها یا ترتیب علی‌البدل‌ها '
                     "نیازمند قرعه است.</p>")
    parts += [
        '<p class="legend">'
        + "".join(f'<span><span class="badge {k}">{v}</span></span>'
                  for k, v in STATUS_FA.items()
                  if v and (k != "undecided" or not r.resolved)) + "</p>",
        bar_chart(er, r),
        _succession(er, r),
        _candidates_table(er, r),
        _lists_table(er, r),
        _ties(er, r),
        _stations_table(er, r, cast_codes),
        "</section>",
    ]
    return "\n".join(p for p in parts if p)


def _hashes(root_hash: Optional[bytes], package_hash: Optional[bytes]) -> str:
    """The block that ties the page to its record: the root and package hashes a reader
    compares with the announced ones, and the command that checks them."""
    def code(h):
        return "—" if h is None else f"<code>{h.hex()}</code>"
    return (f'<section class="hashes" dir="ltr" lang="en">\n'
            f"<p>record root hash (شناسهٔ ریشهٔ پرونده): {code(root_hash)}</p>\n"
            f"<p>election package hash (شناسهٔ بستهٔ انتخابات): {code(package_hash)}</p>\n"
            "<p>check (وارسی): <code>evote verify RECORD --package &lt;election package "
            "hash&gt; --root &lt;record root hash&gt;</code></p>\n</section>")


FIND = ('<section class="find"><p>رأی خود را پیدا کنید: در جدول «شعبه‌ها» ذیل شورای '
        "خود، نام شعبه‌ای را که در آن رأی دادید بزنید و کد کوتاه روی رسیدتان را در آن صفحه "
        "بجویید.</p><p lang=\"en\" dir=\"ltr\" style=\"text-align:left\">Find your ballot: "
        "in the stations table of your council, open the station where you voted and look "
        "for the short code on your receipt with find in page.</p></section>")


def render_html(er: ElectionResults, root_hash: Optional[bytes] = None,
                package_hash: Optional[bytes] = None,
                cast_codes: Optional[Mapping[str, Sequence]] = None) -> str:
    """The whole page as a str (write it as UTF-8). root_hash / package_hash: the
    record's (32 bytes each), shown under the title ("—" when not given: a page outside
    a record). cast_codes: station id -> its CAST records (report_codes.CastCode) for
    every station with ballot boxes (none given: no electronic station rows). Deterministic:
    the same arguments give the same bytes on any machine."""
    m = er.manifest
    cast_codes = cast_codes or {}
    seed = "—" if er.lot_seed is None else er.lot_seed.hex()
    hashes = (FIND + "\n" if cast_codes else "") + _hashes(root_hash, package_hash)
    body = "\n".join(_contest_section(er, r, cast_codes) for r in er.contests)
    return f"""<!DOCTYPE html>
<html dir="rtl" lang="fa">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(m.name)}</title>
<style>{CSS}</style>
</head>
<body>
<header>
<h1>{escape(m.name)}</h1>
<p>تاریخ برگزاری: {jalali_date(m.election_date)} | نتایج {_fa(len(er.contests))} حوزه</p>
</header>
<main>
{hashes}
{body}
</main>
<footer>
<p>election <code>{escape(m.election_id)}</code> | manifest hash <code>{m.hash().hex()}</code></p>
<p>lot seed <code>{seed}</code> | evote-results/1</p>
</footer>
</body>
</html>
"""


def write_html_report(er: ElectionResults, path, root_hash: Optional[bytes] = None,
                      package_hash: Optional[bytes] = None) -> None:
    """render_html into a new file at path (never replacing one: evote.new_files)."""
    from ..new_files import write_new_file
    write_new_file(path, render_html(er, root_hash, package_hash).encode("utf-8"),
                   "HTML report")
