"""evote.election: every step of every role (authority, guardian, kiosk setup, station
officials, tally centre, auditor) as a function that takes files and writes files
(specs/election.md). The CLI commands are thin wrappers over these functions and
`evote demo` is a short script over them. No step ever holds two parties' secrets.

Modules: files (the one writer and reader), package (the election package), and one
module per role's steps. Import from the modules; this file re-exports nothing.
"""
