"""A voter's own checks on a published record (specs/voter.md): find a ballot by the
confirmation code on its receipt (lookup), check a challenged ballot's opening
(challenge_check). codes parses what a voter types; record_view reads the record through
the library's readers; messages words the answers in Persian and English."""
