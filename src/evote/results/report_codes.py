"""A station's page of confirmation codes (reports/station-<station_id>.html, specs/record.md
section 1.1): every CAST ballot of the station's boxes, short and full code, kiosk and
record number, so a voter finds the code on their receipt with the browser's find in
page (no script: the codes are text in the page).

    CastCode(kiosk_id, record, code)                     # one CAST record of a box
    station_codes_html(manifest, station_id, codes, root_hash) -> str

Invariants: the page is a pure function of its arguments (no clock, locale or
environment); rows are sorted by full code (so also by short code: a reader without
find in page can look a code up like a word in a dictionary) and carry nothing but what
the boxes publish (kiosk id, record number, code); manifest text is HTML-escaped; the
codes are printed exactly as receipts print them (short: XXXX-XXXX-XXXX-XXXX, full: 64
lowercase hex digits), so what a voter types from the receipt is found as it is.
"""
from dataclasses import dataclass
from html import escape
from typing import Sequence

from ..ballotbox.records import short_code
from ..errors import EvoteTypeError, EvoteValueError
from ..manifest.normalize import to_persian_digits
from ..record.layout import is_safe_id

CSS = """
body{font-family:Vazirmatn,Tahoma,"DejaVu Sans","Noto Naskh Arabic",sans-serif;margin:0;
background:#f4f6f8;color:#1d2730;line-height:1.6;font-size:16px}
h1,p,li{overflow-wrap:anywhere}
header{background:#17324d;color:#fff;padding:14px 16px}
header h1{margin:0;font-size:1.3em}
header p{margin:4px 0 0}
main{padding:8px 16px 32px;max-width:900px}
.how{background:#fff;border-radius:8px;padding:8px 14px;margin:12px 0}
.en{direction:ltr;text-align:left}
ol.codes{list-style:none;padding:0;margin:12px 0;direction:ltr;text-align:left}
ol.codes li{background:#fff;border-bottom:1px solid #dde3e8;padding:6px 12px}
code{font-family:"DejaVu Sans Mono",monospace}
code.s{display:block;font-size:1.15em;font-weight:bold}
.w{color:#33434f;font-size:.9em;overflow-wrap:anywhere}
code.f{display:block;font-size:.85em;color:#4a5a68;word-break:break-all}
.hashes{font-size:.85em;direction:ltr;text-align:left;word-break:break-all}
"""


@dataclass(frozen=True)
class CastCode:
    """One CAST record of a station's box: the kiosk, its record number (its position in
    the kiosk's chain) and its 32-byte confirmation code."""
    kiosk_id: str
    record: int
    code: bytes

    def __post_init__(self):
        if not isinstance(self.kiosk_id, str) or not is_safe_id(self.kiosk_id):
            raise EvoteValueError(f"CastCode.kiosk_id: {self.kiosk_id!r:.80} is not a kiosk id")
        if not isinstance(self.record, int) or isinstance(self.record, bool) or self.record < 0:
            raise EvoteTypeError("CastCode.record: expected an int >= 0")
        if not isinstance(self.code, bytes) or len(self.code) != 32:
            raise EvoteValueError("CastCode.code: expected 32 bytes")


def _row(c: CastCode) -> str:
    return (f'<li><code class="s">{short_code(c.code)}</code> <span class="w">kiosk '
            f"<code>{escape(c.kiosk_id)}</code>, record {c.record}</span>"
            f'<code class="f">{c.code.hex()}</code></li>')


def station_codes_html(manifest, station_id: str, codes: Sequence[CastCode],
                       root_hash: bytes) -> str:
    """The page of station `station_id` listing `codes` (its CAST ballots)."""
    st = manifest.station(station_id)
    district = manifest.district(st.district_id)
    if not isinstance(root_hash, bytes) or len(root_hash) != 32:
        raise EvoteValueError("station_codes_html: root_hash: expected 32 bytes")
    codes = list(codes)
    for c in codes:
        if not isinstance(c, CastCode):
            raise EvoteTypeError("station_codes_html: codes: expected CastCode items")
    rows = "\n".join(_row(c) for c in sorted(codes, key=lambda c: (c.code, c.kiosk_id,
                                                                    c.record)))
    n = len(codes)
    title = f"کدهای تأیید آرای ثبت‌شده: {escape(st.name)}، {escape(district.name)}"
    return f"""<!DOCTYPE html>
<html dir="rtl" lang="fa">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{CSS}</style>
</head>
<body>
<header>
<h1>{title}</h1>
<p>{escape(manifest.name)} | شعبه <code>{escape(station_id)}</code> |
<a href="results.html" style="color:#fff">نتایج</a></p>
</header>
<main>
<section class="how">
<p>کد کوتاه روی رسیدتان را، همان‌گونه که چاپ شده (با خط تیره‌ها)، با «یافتن در صفحه» مرورگر
(Ctrl+F، یا در گوشی: منو ← یافتن در صفحه) در این صفحه بجویید. کدها به ترتیب الفبا آمده‌اند.
اگر کد شما این‌جا نیست، رسیدتان را نگه دارید و به مرجع رسیدگی به شکایات انتخابات خبر دهید.</p>
<p>در این شعبه {to_persian_digits(n, group=True)} رأی ثبت و شمرده شد. برگه‌های چالش‌شده
(باطل‌شده) این‌جا نیستند، چون شمرده نمی‌شوند.</p>
<p class="en" lang="en">Find the short code on your receipt, typed as printed (with its
dashes), with your browser's find in page (Ctrl+F; on a phone: menu, then Find in page).
Codes are in alphabetical order. If your code is not here, keep your receipt and tell the
election's complaint channel. {n} ballots were cast and counted at this station;
challenged (spoiled) ballots are not listed: they are not counted.</p>
</section>
<ol class="codes">
{rows}
</ol>
<section class="hashes" lang="en">
<p>election record root hash: <code>{root_hash.hex()}</code></p>
<p>check your ballot in the record itself: <code>evote ballot RECORD CODE</code></p>
</section>
</main>
</body>
</html>
"""
