"""`evote selftest`: its embedded RFC 9496 vectors equal specs/vectors/, it passes on this
build (exit 0, speed table printed), and it fails (exit 1) when a vector is corrupted.
"""
import json
import pathlib

from click.testing import CliRunner

from evote.cli import selftest as st
from evote.cli.main import cli

SPEC = json.loads((pathlib.Path(__file__).parent.parent / "specs" / "vectors" /
                   "ristretto255-rfc9496.json").read_text(encoding="utf-8"))


def test_embedded_vectors_equal_the_spec_file():
    assert list(st._MULTIPLES) == SPEC["multiples_of_generator"]
    assert {k: list(v) for k, v in st._INVALID.items()} == SPEC["invalid_encodings"]
    assert [{"label": a, "sha512_of_label_then_map": b} for a, b in st._HASH_TO_GROUP] \
        == SPEC["hash_to_group"]


def test_selftest_passes_with_speed_table():
    result = CliRunner().invoke(cli, ["selftest"])
    assert result.exit_code == 0, result.output
    assert "PASSED" in result.output and "FAIL" not in result.output
    for row in ("ct scalar mult", "ct fixed base", "decode one point", "msm_vartime per point"):
        assert row in result.output


def test_selftest_fails_on_a_corrupted_vector(monkeypatch):
    bad = list(st._MULTIPLES)
    bad[3] = bad[4]
    monkeypatch.setattr(st, "_MULTIPLES", tuple(bad))
    result = CliRunner().invoke(cli, ["selftest", "--no-speed"])
    assert result.exit_code == 1
    assert "FAIL  RFC 9496 A.1" in result.output and "FAILED: 1 of" in result.output
