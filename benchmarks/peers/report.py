"""Renders one run of run_all.py as markdown tables, and writes them between markers:
benchmarks/README.md between RUN_BEGIN / RUN_END, README.md's speed claims between
SPEED_BEGIN / SPEED_END, and the run's raw figures as benchmarks/last_run.json.
Nothing outside the markers is touched; a file without its markers is an error (the
markers are put there by hand, once)."""
import json
import os

from targets import judge

RUN_BEGIN, RUN_END = "<!-- run_all:begin -->", "<!-- run_all:end -->"
SPEED_BEGIN, SPEED_END = "<!-- speed:begin -->", "<!-- speed:end -->"


def _t(sec):
    if sec is None:
        return "-"
    if sec >= 1:
        return f"{sec:.2f} s"
    if sec >= 1e-3:
        return f"{sec * 1e3:.3g} ms"
    return f"{sec * 1e6:.3g} us"


def _v(row, key):
    v = row.get(key)
    if row.get("unit") == "bytes":
        return "-" if v is None else f"{v:,} B"
    return _t(v)


def _loads(row):
    loads = row.get("loads") or []
    return ", ".join(f"{x:.1f}" for x in loads) if loads else "-"


def _ratio(row, digits=3):
    if row.get("ratio_median") is None:
        return f"not run: {row.get('not_run')}", "-"
    fmt = (lambda x: f"{x:.{digits}g}") if row.get("group") else (lambda x: f"{x:.3g}x")
    rng = "" if row["pairs"] < 2 else f" [{fmt(row['ratio_low'])}-{fmt(row['ratio_high'])}]"
    return f"{fmt(row['ratio_median'])}{rng}", fmt(row["ratio_of_minimums"])


def load_range(run: dict) -> str:
    """The lowest and highest 1-minute load average read in the run (at any pair)."""
    loads = [x for row in run["rows"].values() for x in row.get("loads") or []]
    loads += [run["meta"]["load_start"][0], run["meta"]["load_end"][0]]
    return f"{min(loads):.1f}-{max(loads):.1f}"


def render(run: dict) -> str:
    m, rows = run["meta"], run["rows"]
    out = [
        f"Run of {m['started']} to {m['finished']}, `{m['command']}`, on this "
        f"{m['cpus']}-core {m['machine']} machine shared with other jobs: 1-minute load "
        f"average {load_range(run)} during the run ({m['load_start'][0]:.1f} at the start, "
        f"{m['load_end'][0]:.1f} at the end, per pair below). Peers, all live in this run: "
        f"libsodium {m.get('libsodium', 'not found')} "
        f"(system library, cffi), {m.get('electionguard', m.get('eg_why'))}, "
        f"{m.get('belenios')}. Clock: CPU time of the process that did the work. Every "
        f"result was checked (evote and libsodium byte-identical; every ballot decrypted "
        f"back to its choices; tallies equal to the plaintext sums; a changed ballot "
        f"refused).",
        "",
        "Group operations (CPU time per operation; ratio evote / libsodium, lower is "
        f"better; {m['group_pairs']} interleaved pairs; libsodium's figures include a "
        f"foreign-call overhead of {m.get('ffi_call_overhead_us', 0):.2f} us, evote's "
        "core its binding's):",
        "",
        "| operation | evote median (min) | libsodium median (min) "
        "| evote / libsodium, median of pairs [range] | of minimums | load per pair |",
        "|---|---|---|---|---|---|",
    ]
    for name, row in rows.items():
        if not row.get("group"):
            continue
        r, rm = _ratio(row)
        out.append(f"| {name.replace(' vs libsodium', '')} | {_v(row, 'evote_median')} "
                   f"({_v(row, 'evote_min')}) | {_v(row, 'peer_median')} "
                   f"({_v(row, 'peer_min')}) | {r} | {rm} | {_loads(row)} |")
    out += [
        "",
        f"Ballots, one contest of n candidates with L chosen (CPU time; ratio peer / evote, "
        f"higher is better; {m['pairs']} interleaved pairs, 1 for the Tehran shape; a "
        "Belenios ballot's figure includes starting belenios-tool, "
        f"{_t(m.get('belenios_baseline_s'))} for a no-op):",
        "",
        "| figure | L of n | peer | evote median (min) | peer median (min) "
        "| peer / evote, median of pairs [range] | of minimums | load per pair |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, row in rows.items():
        if row.get("group"):
            continue
        fig, rest = name.split(" ", 1)
        shape, peer = rest.split(" vs ")
        r, rm = _ratio(row)
        out.append(f"| {fig} | {shape} | {peer} | {_v(row, 'evote_median')} "
                   f"({_v(row, 'evote_min')}) | {_v(row, 'peer_median')} "
                   f"({_v(row, 'peer_min')}) | {r} | {rm} | {_loads(row)} |")
    out += ["", "Targets (issue 17; issue 3's size and decryption targets restated), judged "
            "on the median of the pairs:", "",
            "| target | wanted | median ratio | verdict |", "|---|---|---|---|"]
    for label, text, r, verdict in judge(rows):
        shown = "-" if r is None else (f"{r:.3g}" if "libsodium" in label else f"{r:.3g}x")
        out.append(f"| {label} | {text} | {shown} | {verdict} |")
    return "\n".join(out)


def speed_claims(run: dict) -> str:
    """The README's few sentences, every figure from the same run."""
    m, rows = run["meta"], run["rows"]

    def ratio(key, fmt="{:.0f}x"):
        row = rows.get(key, {})
        return "not run" if row.get("ratio_median") is None else fmt.format(row["ratio_median"])

    def faster(key, peer):
        r = ratio(key)
        return f"{peer} not run" if r == "not run" else f"{r} faster than {peer}"

    enc = rows.get("encrypt 9 of 50 vs ElectionGuard", {})
    teh = rows.get("encrypt 21 of 3000 vs ElectionGuard", {})
    teh_size = rows.get("size 21 of 3000 vs ElectionGuard", {})
    verdicts = judge(rows)
    met = sum(1 for v in verdicts if v[3] == "met")
    missed = [f"{v[0]} ({v[2]:.3g})" for v in verdicts if v[3] == "not met"]
    absent = [v[0] for v in verdicts if v[3].startswith("not run")]
    lines = [
        f"From one run ({m['started']}, load average {load_range(run)} on 2 shared cores"
        f", `{m['command']}`), every peer measured live beside evote "
        f"(medians of interleaved pairs, CPU time, every result checked against the "
        f"plaintext):",
        "",
        f"- encrypting a 9-of-50 ballot with all proofs takes {_t(enc.get('evote_median'))}: "
        f"{faster('encrypt 9 of 50 vs ElectionGuard', 'ElectionGuard 1.4.0')}, "
        f"{faster('encrypt 9 of 50 vs Belenios', 'Belenios 2.0')} "
        f"(21 of 200: {ratio('encrypt 21 of 200 vs ElectionGuard')} / "
        f"{ratio('encrypt 21 of 200 vs Belenios')});",
        f"- against ElectionGuard / Belenios, 9 of 50 (21 of 200): verifying one ballot "
        f"{ratio('verify 9 of 50 vs ElectionGuard')} / {ratio('verify 9 of 50 vs Belenios')} "
        f"({ratio('verify 21 of 200 vs ElectionGuard')} / "
        f"{ratio('verify 21 of 200 vs Belenios')}) faster; ballots "
        f"{ratio('size 9 of 50 vs ElectionGuard', '{:.1f}x')} / "
        f"{ratio('size 9 of 50 vs Belenios', '{:.1f}x')} smaller; "
        f"3-of-5 tally decryption {ratio('decrypt 9 of 50 vs ElectionGuard')} / "
        f"{ratio('decrypt 9 of 50 vs Belenios')} "
        f"({ratio('decrypt 21 of 200 vs ElectionGuard')} / "
        f"{ratio('decrypt 21 of 200 vs Belenios')}) faster;",
        f"- the core's scalar multiplication takes "
        f"{ratio('scalar multiplication (core) vs libsodium', '{:.2f}')} of the time of "
        f"libsodium's own ristretto255 (through the Python API: "
        f"{ratio('scalar multiplication (API) vs libsodium', '{:.2f}')});",
        f"- a Tehran-shaped ballot (21 of 3,000) takes {_t(teh.get('evote_median'))} to "
        f"encrypt and is {teh_size.get('evote_median', 0) / 1000:,.0f} KB on the wire.",
        "",
        f"Targets met: {met} of {len(verdicts)}"
        + (f"; not met: {'; '.join(missed)}" if missed else "")
        + (f"; not run: {'; '.join(absent)}" if absent else "")
        + ". The tables, loads and method are in `benchmarks/README.md`.",
    ]
    return "\n".join(lines)


def _replace_between(path: str, begin: str, end: str, body: str) -> None:
    text = open(path, encoding="utf-8").read()
    if text.count(begin) != 1 or text.count(end) != 1 or text.index(begin) > text.index(end):
        raise SystemExit(f"{path}: expected one {begin} ... {end} pair")
    head, rest = text.split(begin)
    _, tail = rest.split(end)
    new = f"{head}{begin}\n{body}\n{end}{tail}"
    tmp = path + ".run_all.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(new)
    os.replace(tmp, path)


def write(run: dict, bench_readme: str, readme: str, json_path: str) -> None:
    _replace_between(bench_readme, RUN_BEGIN, RUN_END, render(run))
    _replace_between(readme, SPEED_BEGIN, SPEED_END, speed_claims(run))
    tmp = json_path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(run, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(tmp, json_path)
