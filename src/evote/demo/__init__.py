"""`evote demo`: a simulated municipal election written as a record and verified."""
