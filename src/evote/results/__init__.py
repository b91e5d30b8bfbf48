"""evote.results: seats, alternates and ties from decrypted counts, and the reports
(JSON, CSV, terminal table, HTML). Pure Python, no cryptography."""
from .count import check_counts, combine_station_counts, compute_result, compute_results
from .model import (CandidateResult, ContestCounts, ContestResult, ListResult,
                    ResultSettings, StationCounts)
from .ties import TieDecision

__all__ = [
    "check_counts", "combine_station_counts", "compute_result", "compute_results",
    "CandidateResult", "ContestCounts", "ContestResult", "ListResult", "ResultSettings",
    "StationCounts", "TieDecision",
]
