"""Interleaved pairs: evote, peer, evote, peer, ..., evote, and the statistics drawn from them.

On a shared machine the load drifts from one minute to the next, so a ratio of two figures
taken minutes apart measures the drift as much as the code. Here every peer run is
bracketed by two evote runs of the same figure; the ratio for that pair divides the peer's
time by the mean of the two evote runs around it. The load average (1 minute) is read at
every pair. Medians and minimums are both reported; a target is judged on the median of
the per-pair ratios.

A run is a callable returning seconds per unit (CPU time of the process that did the work:
this one for evote and libsodium, the ElectionGuard worker's own clock, the children's
rusage for belenios-tool), or raising. Both sides of a figure use the same kind of clock.
"""
import os
import statistics
from dataclasses import dataclass, field
from typing import Callable, List, Optional


@dataclass
class Figure:
    """One row: a figure measured on both sides in interleaved pairs."""
    name: str
    evote: List[float] = field(default_factory=list)   # seconds per unit, pairs + 1 runs
    peer: List[float] = field(default_factory=list)    # seconds per unit, one per pair
    loads: List[float] = field(default_factory=list)   # 1-minute load average per pair
    not_run: Optional[str] = None                      # why the peer side has no figure
    evote_over_peer: bool = False   # ratio as evote / peer (group rows) instead of peer / evote

    @property
    def ratios(self) -> List[float]:
        """peer / evote per pair (evote / peer if evote_over_peer), evote taken as the mean
        of the two runs bracketing that peer run."""
        out = []
        for i, p in enumerate(self.peer):
            e = (self.evote[i] + self.evote[i + 1]) / 2
            out.append(e / p if self.evote_over_peer else p / e)
        return out

    def summary(self) -> dict:
        out = {"name": self.name, "evote_median": _median(self.evote),
               "evote_min": _min(self.evote), "loads": self.loads}
        if self.not_run is None and self.peer:
            r = self.ratios
            out.update(peer_median=_median(self.peer), peer_min=_min(self.peer),
                       ratio_median=_median(r), ratio_low=min(r), ratio_high=max(r),
                       ratio_of_minimums=(_min(self.evote) / _min(self.peer)
                                          if self.evote_over_peer
                                          else _min(self.peer) / _min(self.evote)),
                       pairs=len(r))
        else:
            out["not_run"] = self.not_run
        return out


def _median(xs):
    return statistics.median(xs) if xs else None


def _min(xs):
    return min(xs) if xs else None


def load_average() -> float:
    return os.getloadavg()[0]


def interleave(name: str, evote: Callable[[], float], peer: Optional[Callable[[], float]],
               pairs: int, log=print, evote_over_peer: bool = False) -> Figure:
    """evote, (peer, evote) x pairs. If the peer raises, the row says "not run" and why;
    the evote runs done so far are kept (its own figure stands on its own)."""
    fig = Figure(name, evote_over_peer=evote_over_peer)
    fig.evote.append(evote())
    if peer is None:
        for _ in range(pairs):
            fig.loads.append(load_average())
            fig.evote.append(evote())
        fig.not_run = "no peer for this figure"
        return fig
    for i in range(pairs):
        fig.loads.append(load_average())
        try:
            fig.peer.append(peer())
        except Exception as exc:  # the peer's failure is reported, never hidden
            fig.not_run = f"{type(exc).__name__}: {exc}"
            fig.peer.clear()
            log(f"  {name}: peer failed: {fig.not_run}")
            return fig
        fig.evote.append(evote())
        log(f"  {name}: pair {i + 1}/{pairs} evote {fig.evote[-2] * 1e3:.4g} ms, peer "
            f"{fig.peer[-1] * 1e3:.4g} ms, evote {fig.evote[-1] * 1e3:.4g} ms, "
            f"ratio {fig.ratios[-1]:.3g}, load {fig.loads[-1]:.2f}")
    return fig
