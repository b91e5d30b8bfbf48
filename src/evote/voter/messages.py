"""The answers in plain words, Persian and English (specs/voter.md section 6), rendered
from the answer object of answers.py. Persian uses Persian digits for numbers; ids,
codes and hashes stay as they are printed on receipts and in the record."""
from ..manifest.normalize import to_persian_digits

LANGS = ("fa", "en", "both")

_EN = {
    "found": "Your ballot is in the published election record.",
    "record-problem": "A ballot with this code is in the record, but the record does NOT "
                      "verify for it:",
    "record-problem-none": "The record does NOT verify for this code:",
    "not-found": "This code is NOT in the published election record.",
    "not-found-do": "Keep your receipt: it is evidence. Contact the election's complaint "
                    "channel and show them the receipt.",
    "incomplete": "These boxes could not be searched to the end (the record is damaged; "
                  "run evote verify):",
    "ambiguous": "This short code matches {n} ballots in the record. Type the full code "
                 "(64 characters) from your receipt instead. The matches:",
    "code": "confirmation code", "full": "full code", "station": "station",
    "kiosk": "kiosk", "record": "record number",
    "record-note": "(its position in the kiosk's chain of records)",
    "status": "status",
    "CAST": "CAST: cast and counted",
    "SPOIL": "SPOIL: challenged (spoiled), NOT counted. After a challenge you vote again.",
    "see-challenge": "To see what the kiosk had encrypted on it: {cmd}",
    "page": "Its code is also on the station's page of codes: {page}",
    "checked": "Checked: record.json lists this kiosk's box and the manifest and context "
               "unchanged; the box verifies from its first record up to this ballot (kiosk "
               "certificate, chain, confirmation codes, kiosk signatures); the ballot's "
               "proofs verify.",
    "warnings": "Warnings (the record is not valid as a whole; run evote verify):",
    "not-checked": "Not checked here: the other boxes, the tallies, the decryption and the "
                   "results. For everything run:",
    "root": "Compare this record's root hash with the one the election announced:",
    "report": "Report this to the election's complaint channel with your receipt.",
    "cast-not-challenged": "This ballot was cast and is counted; it was not challenged, so "
                           "its choices stay secret and there is nothing to open.",
    "opening-verified": "The opening of this challenged ballot matches its published "
                        "encryption: the kiosk encrypted exactly these choices:",
    "blank": "no candidate (blank)",
    "compare": "Compare them with what you chose at the kiosk. If they differ, the kiosk "
               "encrypted something other than your choices: report it to the election's "
               "complaint channel with your receipt.",
    "opening-failed": "The kiosk MISBEHAVED: the opening it gave for this challenged ballot "
                      "does not open the ballot it published.",
    "opening-missing": "The record holds no opening for this challenged ballot; give the one "
                       "the kiosk printed with --opening FILE.",
    "from-file": "(opening read from the file given with --opening)",
}

_FA = {
    "found": "برگهٔ رأی شما در پروندهٔ منتشرشدهٔ انتخابات هست.",
    "record-problem": "رأیی با این کد در پرونده هست، اما پرونده برای آن درست درنمی‌آید:",
    "record-problem-none": "پرونده برای این کد درست درنمی‌آید:",
    "not-found": "این کد در پروندهٔ منتشرشدهٔ انتخابات نیست.",
    "not-found-do": "رسیدتان را نگه دارید؛ مدرک است. با مرجع رسیدگی به شکایات انتخابات "
                    "تماس بگیرید و رسید را نشان دهید.",
    "incomplete": "این صندوق‌ها تا آخر جست‌وجو نشدند (پرونده آسیب دیده است؛ evote verify را "
                  "اجرا کنید):",
    "ambiguous": "این کد کوتاه با {n} رأی در پرونده جور درمی‌آید. به‌جای آن کد کامل (۶۴ "
                 "نویسه) روی رسید را وارد کنید. موارد:",
    "code": "کد تأیید", "full": "کد کامل", "station": "شعبهٔ اخذ رأی", "kiosk": "دستگاه",
    "record": "شمارهٔ ردیف", "record-note": "(جای آن در زنجیرهٔ ثبت‌های دستگاه)",
    "status": "وضعیت",
    "CAST": "ثبت‌شده (CAST): این رأی شمرده می‌شود.",
    "SPOIL": "چالش‌شده (SPOIL): این برگه باطل شد و شمرده نمی‌شود؛ پس از چالش دوباره رأی "
             "می‌دهید.",
    "see-challenge": "برای دیدن آنچه دستگاه روی آن رمز کرده بود: {cmd}",
    "page": "کد آن در صفحهٔ کدهای تأیید شعبه هم هست: {page}",
    "checked": "بررسی شد: record.json صندوق این دستگاه و manifest و context را بی‌تغییر "
               "فهرست کرده است؛ صندوق از نخستین ثبت تا این رأی درست است (گواهی دستگاه، "
               "زنجیره، کدهای تأیید، امضاهای دستگاه)؛ اثبات‌های رمزنگاری این برگه درست است.",
    "warnings": "هشدار (پرونده در کل معتبر نیست؛ evote verify را اجرا کنید):",
    "not-checked": "این‌جا بررسی نشد: صندوق‌های دیگر، شمارش، رمزگشایی و نتایج. برای همه "
                   "اجرا کنید:",
    "root": "کد ریشهٔ (root hash) این پرونده را با کدی که انتخابات اعلام کرده مقایسه کنید:",
    "report": "این را با رسیدتان به مرجع رسیدگی به شکایات انتخابات گزارش دهید.",
    "cast-not-challenged": "این رأی ثبت و شمرده شده است و به چالش کشیده نشده؛ انتخاب‌هایش "
                           "پنهان می‌ماند و چیزی برای بازکردن نیست.",
    "opening-verified": "بازگشایی این برگهٔ چالش‌شده با رمز منتشرشدهٔ آن می‌خواند: دستگاه "
                        "دقیقاً این انتخاب‌ها را رمز کرده بود:",
    "blank": "هیچ نامزدی (سفید)",
    "compare": "این‌ها را با انتخاب‌های خود در دستگاه مقایسه کنید. اگر فرق دارند، دستگاه چیزی "
               "جز انتخاب شما را رمز کرده است: با رسیدتان به مرجع رسیدگی به شکایات گزارش دهید.",
    "opening-failed": "دستگاه درست کار نکرده است: بازگشایی‌ای که برای این برگهٔ چالش‌شده داده، "
                      "برگهٔ منتشرشده را باز نمی‌کند.",
    "opening-missing": "در پرونده بازگشایی‌ای برای این برگهٔ چالش‌شده نیست؛ بازگشایی‌ای را که "
                       "دستگاه چاپ کرد با ‎--opening FILE‎ بدهید.",
    "from-file": "(بازگشایی از پرونده‌ای که با ‎--opening‎ داده شد خوانده شد)",
}


def _num(n, lang):
    return to_persian_digits(n) if lang == "fa" else str(n)


def _ballot_lines(t, a, lang):
    b = a["ballot"]
    station = b["station_id"] + (f" ({b['station_name']})" if b["station_name"] else "")
    return [f"  {t['code']}: {b['short_code']}", f"  {t['full']}: {b['code']}",
            f"  {t['station']}: {station}", f"  {t['kiosk']}: {b['kiosk_id']}",
            f"  {t['record']}: {_num(b['record'], lang)} {t['record-note']}",
            f"  {t['status']}: {t[b['kind']]}"]


def _tail(t, a, record_arg):
    out = []
    if a["warnings"]:
        out.append(t["warnings"])
        out += [f"  {w}" for w in a["warnings"]]
    out += [t["not-checked"], f"  evote verify {record_arg} --root {a['root_hash']}",
            t["root"], f"  {a['root_hash']}"]
    return out


def _lines(a, lang, record_arg, code_arg):
    t = _FA if lang == "fa" else _EN
    s, out = a["status"], []
    if s == "not-found":
        out += [t["not-found"], t["not-found-do"]]
    elif s == "ambiguous":
        out.append(t["ambiguous"].format(n=_num(a["n_matches"], lang)))
        out += [f"  {m['station_id']} / {m['kiosk_id']} / {_num(m['record'], lang)} "
                f"({m['kind']})" for m in a["matches"]]
    elif s == "record-problem":
        out.append(t["record-problem"] if a["ballot"] else t["record-problem-none"])
        out += [f"  {p}" for p in a["problems"]]
        if a["ballot"]:
            out += _ballot_lines(t, a, lang)
        out.append(t["report"])
    else:
        out.append(t["found"])
        out += _ballot_lines(t, a, lang)
        if a["command"] == "ballot":
            out.append(t["checked"])
            if a["ballot"].get("station_page"):
                out.append(t["page"].format(page=f"{record_arg}/{a['ballot']['station_page']}"))
            if a["ballot"]["kind"] == "SPOIL":
                out.append(t["see-challenge"].format(
                    cmd=f"evote challenge check {record_arg} {a['ballot']['short_code']}"))
        elif s == "cast-not-challenged":
            out.append(t["cast-not-challenged"])
        elif s == "opening-missing":
            out.append(t["opening-missing"])
        elif s == "opening-failed":
            out.append(t["opening-failed"])
            out += [f"  {p}" for p in a["problems"]]
            out.append(t["report"])
        elif s == "opening-verified":
            out.append(t["opening-verified"])
            for c in a["choices"]:
                out.append(f"  {c['name']} ({c['contest_id']}):")
                if c["blank"]:
                    out.append(f"    {t['blank']}")
                out += [f"    {_num(k['code'], lang)}  {k['name']}" for k in c["candidates"]]
            out.append(t["compare"])
        if a.get("opening_source") == "file":
            out.append(t["from-file"])
    if a["incomplete"]:
        out.append(t["incomplete"])
        out += [f"  {i['path']}: {i['reason']}" for i in a["incomplete"]]
    if s in ("found", "record-problem", "opening-verified", "opening-failed",
             "cast-not-challenged"):
        out += _tail(t, a, record_arg)
    return out


def render(answer: dict, lang: str, record_arg: str, code_arg: str = "") -> str:
    """The text of `answer` in Persian ("fa"), English ("en") or both (Persian first)."""
    langs = ("fa", "en") if lang == "both" else (lang,)
    blocks = ["\n".join(_lines(answer, g, record_arg, code_arg)) for g in langs]
    return "\n\n".join(blocks) + "\n"
