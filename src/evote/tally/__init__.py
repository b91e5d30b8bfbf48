"""evote.tally: encrypted tallies (per station, per district), homomorphic aggregation
of ballot boxes, threshold decryption of the totals, paper stations, electronic stations'
declared forms, reconciliation and the glue to evote.results (specs/tally.md). The names
below are the API other parts use.
"""
from .aggregate import tally_ballot_blobs
from .boxes import BoxSummary, TallyProblem, TallyRun, district_tallies, tally_boxes
from .combine import combine_counts, election_results
from .decrypt import (ContestDecryption, DecryptionRecord, decrypt_district_tallies,
                      tally_labels, verify_decryption_record)
from .errors import BallotRefused, DecryptionRecordError, TallyInputError
from .model import ContestTally, EncryptedTally, merge_tallies
from .declaration import StationDeclaration, StationDeclarationError, declared_forms
from .officials import Official, certify_official
from .paper import PaperResult, PaperResultError
from .reconcile import StationReconciliation, reconcile_stations

__all__ = [
    "tally_ballot_blobs", "BoxSummary", "TallyProblem", "TallyRun", "district_tallies",
    "tally_boxes", "combine_counts", "election_results", "ContestDecryption",
    "DecryptionRecord", "decrypt_district_tallies", "tally_labels", "verify_decryption_record",
    "BallotRefused", "DecryptionRecordError", "TallyInputError", "ContestTally",
    "EncryptedTally", "merge_tallies", "Official", "PaperResult", "PaperResultError",
    "certify_official", "StationReconciliation", "reconcile_stations",
    "StationDeclaration", "StationDeclarationError", "declared_forms",
]
