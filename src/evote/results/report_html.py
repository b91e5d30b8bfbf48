"""The human results page: one self-contained HTML file (no external resource: CSS inline,
charts as inline SVG), right-to-left Persian (dir="rtl" lang="fa"), Persian digits, the
election date in the Jalali calendar, a bar chart per contest with winners and alternates
marked, per-station tables with paper-fallback stations marked. Every text from the
manifest is HTML-escaped. The same results give the same bytes.
"""
import datetime
from fractions import Fraction
from html import escape
from math import floor
from typing import List, Optional

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
background:#f4f6f8;color:#1d2730;line-height:1.6}
header{background:#17324d;color:#fff;padding:18px 28px}
header h1{margin:0;font-size:1.5em}
header p{margin:4px 0 0;opacity:.9}
main{padding:12px 28px 40px;max-width:1100px}
section.contest{background:#fff;border-radius:8px;padding:14px 20px;margin:18px 0;
box-shadow:0 1px 3px rgba(0,0,0,.12)}
h2{margin:0 0 4px;font-size:1.25em}
.meta{color:#4a5a68;margin:0 0 10px}
.warn{color:#c62828;font-weight:bold}
table{border-collapse:collapse;margin:10px 0;font-size:.92em}
th,td{border-bottom:1px solid #dde3e8;padding:3px 10px;text-align:right}
th{background:#eef2f5}
td.n{font-variant-numeric:tabular-nums;text-align:left}
tr.winner td{background:#e8f5e9}
tr.alternate td{background:#fff8e1}
tr.undecided td{background:#ffebee}
.badge{display:inline-block;border-radius:4px;padding:0 6px;color:#fff;font-size:.85em}
.badge.winner{background:#2e7d32}.badge.alternate{background:#b58100}
.badge.undecided{background:#c62828}.badge.paper{background:#6a1b9a}
.badge.encrypted{background:#37617f}
.legend span{margin-left:14px}
svg{display:block;max-width:100%;height:auto}
footer{color:#5b6975;font-size:.85em;padding:0 28px 24px;direction:ltr;text-align:left}
code{font-family:"DejaVu Sans Mono",monospace;word-break:break-all}
section.hashes{background:#fff;border-left:4px solid #17324d;padding:6px 14px;margin:14px 0;
font-size:.9em;text-align:left}
section.hashes p{margin:2px 0}
"""


def jalali_date(iso: str) -> str:
    """'2026-06-12' -> '۲۲ خرداد ۱۴۰۵' (Gregorian to Jalali with jdatetime)."""
    g = datetime.date.fromisoformat(iso)
    j = jdatetime.date.fromgregorian(date=g)
    return f"{to_persian_digits(j.day)} {JALALI_MONTHS[j.month - 1]} {to_persian_digits(j.year)}"


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


def _bars_svg(title: str, rows, width: int = 720) -> str:
    """Horizontal bars for rows of (label, value, status), in the order given; labels on
    the right (RTL), bars growing leftwards from a common axis."""
    row_h, top, label_w, num_w = 22, 8, 230, 70
    height = top * 2 + row_h * len(rows)
    x0 = width - label_w - 10
    span = x0 - num_w
    vmax = max([v for _, v, _ in rows] + [1])
    out = [f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
           f'role="img" direction="ltr" aria-label="{escape(title)}">',
           f"<title>{escape(title)}</title>"]
    for i, (label, value, status) in enumerate(rows):
        y = top + i * row_h
        length = round(span * value / vmax)
        out.append(f'<text x="{width - 6}" y="{y + 15}" text-anchor="end" font-size="13" '
                   f'fill="#1d2730">{escape(label)}</text>')
        out.append(f'<rect x="{x0 - length}" y="{y + 3}" width="{length}" height="{row_h - 6}" '
                   f'rx="2" fill="{COLOR[status]}"><title>{escape(label)}: {_fa(value)}'
                   f"</title></rect>")
        out.append(f'<text x="{x0 - length - 5}" y="{y + 15}" text-anchor="end" '
                   f'font-size="12" fill="#33434f">{_fa(value)}</text>')
    out.append(f'<line x1="{x0}" y1="{top}" x2="{x0}" y2="{height - top}" '
               'stroke="#5b6975" stroke-width="1"/>')
    out.append("</svg>")
    return "\n".join(out)


def bar_chart_svg(er: ElectionResults, r: ContestResult, width: int = 720) -> str:
    """The contest's candidates, most votes first, coloured by status."""
    contest = er.manifest.contest(r.contest_id)
    names = {c.code: c.name for c in contest.candidates}
    rows = [(f"{names[c.code]} ({to_persian_digits(c.code)})", c.votes, c.status)
            for c in sorted(r.candidates, key=lambda c: (-c.votes, c.code))]
    return _bars_svg(f"{contest.name}: نمودار آرا", rows, width)


def lists_chart_svg(er: ElectionResults, r: ContestResult, width: int = 720) -> str:
    """A proportional contest's pools by votes, with their seats; pools with seats green."""
    names = {p.code: p.name for p in er.manifest.contest(r.contest_id).lists}
    rows = []
    for p in sorted(r.lists, key=lambda p: (-p.votes, p.list_code or 0, p.members)):
        label = (names[p.list_code] if p.list_code is not None else
                 "مستقل‌ها" if len(p.members) > 1 else f"مستقل {to_persian_digits(p.members[0])}")
        rows.append((f"{label} ({_fa(p.seats)} کرسی)", p.votes,
                     "winner" if p.seats else "none"))
    return _bars_svg("آرای فهرست‌ها و کرسی‌ها", rows, width)


def _candidates_table(er: ElectionResults, r: ContestResult) -> str:
    contest = er.manifest.contest(r.contest_id)
    by_code = {c.code: c for c in contest.candidates}
    lists = {p.code: p.name for p in contest.lists}
    has_lists = bool(contest.lists)
    head = ("<tr><th>رتبه</th><th>کد</th><th>نام</th>" + ("<th>فهرست</th>" if has_lists else "")
            + "<th>آرا</th><th>درصد</th><th>نتیجه</th></tr>")
    rows = [head]
    for cr in sorted(r.candidates, key=lambda c: (c.rank, c.code)):
        c = by_code[cr.code]
        badge = (f'<span class="badge {cr.status}">{STATUS_FA[cr.status]}</span>'
                 if cr.status != "none" else "")
        lst = f"<td>{escape(lists.get(c.list_code, 'مستقل'))}</td>" if has_lists else ""
        rows.append(f'<tr class="{cr.status}"><td class="n">{_fa(cr.rank)}</td>'
                    f'<td class="n">{to_persian_digits(cr.code)}</td><td>{escape(c.name)}</td>'
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
    contest = er.manifest.contest(r.contest_id)
    names = {p.code: p.name for p in contest.lists}
    rows = ["<tr><th>فهرست</th><th>آرا</th><th>سهمیه کامل</th><th>باقی‌مانده</th>"
            "<th>کرسی</th><th>علی‌البدل</th></tr>"]
    for p in r.lists:
        if p.list_code is None:
            name = "مستقل‌ها" if len(p.members) > 1 else f"مستقل ({to_persian_digits(p.members[0])})"
        else:
            name = names[p.list_code]
        note = "" if p.eligible else " (زیر حد نصاب)"
        rows.append(f"<tr><td>{escape(name)}{note}</td><td class='n'>{_fa(p.votes)}</td>"
                    f"<td class='n'>{_fa(p.quota_seats)}</td><td class='n'>"
                    f"{_num(p.remainder)}</td>"
                    f"<td class='n'>{_fa(p.seats)}</td><td class='n'>{_fa(p.alternates)}</td></tr>")
    quota = "" if r.quota is None else f"<p class='meta'>سهمیه: {_num(r.quota)}</p>"
    return ("<h3>فهرست‌ها</h3>" + lists_chart_svg(er, r) + quota + "<table>"
            + "\n".join(rows) + "</table>")


def _ties(r: ContestResult) -> str:
    if not r.ties:
        return ""
    items = []
    for t in r.ties:
        if t.step == "lot":
            how = "قرعه از بذر منتشرشده"
        elif t.step == "unresolved":
            how = '<span class="warn">حل‌نشده (بذر قرعه داده نشده)</span>'
        else:
            how = f"{escape(ATTR_FA.get(t.step, t.step))} (بیشتر مقدم است)"
        order = " ← ".join("، ".join(to_persian_digits(c) for c in g) for g in t.order)
        items.append(f"<li>تساوی در {_scope_fa(t.scope)} با امتیاز {_num(t.score)} "
                     f"میان {'، '.join(to_persian_digits(c) for c in t.codes)}: {how}؛ "
                     f"ترتیب: {order}</li>")
    return "<h3>تساوی‌ها</h3><ul>" + "\n".join(items) + "</ul>"


def _stations_table(er: ElectionResults, r: ContestResult) -> str:
    rows_in = er.station_rows(r.contest_id)
    if not rows_in:
        return ""
    rows = ["<tr><th>شعبه</th><th>شناسه</th><th>نوع</th><th>آرای مأخوذه</th><th>سفید</th>"
            "<th>صحیح</th></tr>"]
    for s in rows_in:
        kind = ('<span class="badge paper">کاغذی (اعلام‌شده)</span>' if s.paper else
                '<span class="badge encrypted">الکترونیکی</span>')
        k = s.counts
        rows.append(f"<tr><td>{escape(er.manifest.station(s.station_id).name)}</td>"
                    f"<td><code>{escape(s.station_id)}</code></td><td>{kind}</td>"
                    f"<td class='n'>{_fa(k.ballots_cast)}</td><td class='n'>{_fa(k.blank)}</td>"
                    f"<td class='n'>{_fa(k.valid)}</td></tr>")
    return "<h3>شعبه‌ها</h3><table>" + "\n".join(rows) + "</table>"


def _contest_section(er: ElectionResults, r: ContestResult) -> str:
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
        bar_chart_svg(er, r),
        _succession(er, r),
        _candidates_table(er, r),
        _lists_table(er, r),
        _ties(r),
        _stations_table(er, r),
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


def render_html(er: ElectionResults, root_hash: Optional[bytes] = None,
                package_hash: Optional[bytes] = None) -> str:
    """The whole page as a str (write it as UTF-8). root_hash / package_hash: the
    record's (32 bytes each), shown under the title ("—" when not given: a page outside
    a record). Deterministic: the same arguments give the same bytes on any machine."""
    m = er.manifest
    seed = "—" if er.lot_seed is None else er.lot_seed.hex()
    hashes = _hashes(root_hash, package_hash)
    body = "\n".join(_contest_section(er, r) for r in er.contests)
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
