"""A contest's result settings (specs/manifest.md section 1.1, specs/results.md section 3):
the rules that public sources leave open, fixed per contest in the manifest so that the
manifest hash (and through the base hash every proof) binds them before the polls.

Invariants once constructed: min_votes an int >= 0; quota, independents and
alternate_rounding one of their names; threshold a Fraction in [0, 1). The defaults are
the settings every contest had before they moved here (a manifest that omits `settings`
gets them, and its canonical form writes them out).
"""
from dataclasses import dataclass
from fractions import Fraction

from ..errors import EvoteTypeError, EvoteValueError

QUOTAS = ("hare", "droop")
INDEPENDENTS = ("pool", "individual")
ROUNDINGS = ("largest_remainder", "half_up", "floor", "ceil")
MAX_MIN_VOTES = 2 ** 53 - 1       # exact in every JSON implementation
MAX_THRESHOLD_CHARS = 64          # "p/q" as written in JSON


@dataclass(frozen=True)
class ResultSettings:
    """The rules that public sources leave open (specs/results.md section 3)."""
    min_votes: int = 0                      # fewer votes: neither winner nor alternate
    quota: str = "hare"                     # proportional: "hare" (total/seats) or "droop"
    threshold: Fraction = Fraction(0)       # proportional: share of the list vote a pool needs
    independents: str = "pool"              # proportional: one pool, or one pool each
    alternate_rounding: str = "largest_remainder"  # proportional: alternates per list

    def __post_init__(self):
        v = self.min_votes
        if not isinstance(v, int) or isinstance(v, bool):
            raise EvoteTypeError(f"ResultSettings.min_votes: expected int, got "
                                 f"{type(v).__name__}")
        if not 0 <= v <= MAX_MIN_VOTES:
            raise EvoteValueError(f"ResultSettings.min_votes: {v} is outside "
                                  f"[0, {MAX_MIN_VOTES}]")
        if self.quota not in QUOTAS:
            raise EvoteValueError(f"ResultSettings.quota {self.quota!r} not in {QUOTAS}")
        if self.independents not in INDEPENDENTS:
            raise EvoteValueError(f"ResultSettings.independents {self.independents!r} "
                                  f"not in {INDEPENDENTS}")
        if self.alternate_rounding not in ROUNDINGS:
            raise EvoteValueError(f"ResultSettings.alternate_rounding "
                                  f"{self.alternate_rounding!r} not in {ROUNDINGS}")
        t = self.threshold
        if isinstance(t, bool) or not isinstance(t, (int, Fraction)):
            raise EvoteTypeError("ResultSettings.threshold: expected a Fraction or int")
        if not 0 <= t < 1:
            raise EvoteValueError(f"ResultSettings.threshold {t} is outside [0, 1)")
        object.__setattr__(self, "threshold", Fraction(t))

    def to_json_obj(self) -> dict:
        """The JSON form (manifest contest `settings`, results.json): threshold as the
        exact fraction "p/q" (or "p" when whole)."""
        return {"min_votes": self.min_votes, "quota": self.quota,
                "threshold": str(self.threshold), "independents": self.independents,
                "alternate_rounding": self.alternate_rounding}
