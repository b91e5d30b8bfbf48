"""evote.tally: encrypted tallies (per station, per district), homomorphic aggregation
of ballot boxes, threshold decryption of the totals, paper stations, reconciliation and
the glue to evote.results (specs/tally.md). The names below are the API other parts use.
"""
from .aggregate import tally_ballot_blobs
from .boxes import BoxSummary, TallyProblem, TallyRun, district_tallies, tally_boxes
from .decrypt import (ContestDecryption, DecryptionRecord, decrypt_district_tallies,
                      verify_decryption_record)
from .errors import BallotRefused, TallyInputError
from .model import ContestTally, EncryptedTally, merge_tallies

__all__ = ["ContestDecryption", "DecryptionRecord", "decrypt_district_tallies",
           "verify_decryption_record", "tally_ballot_blobs", "BoxSummary", "TallyProblem", "TallyRun", "district_tallies",
           "tally_boxes", "BallotRefused", "TallyInputError",
           "ContestTally", "EncryptedTally", "merge_tallies"]
