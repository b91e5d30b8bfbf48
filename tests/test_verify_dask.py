"""The same per-station tasks on a (local) Dask cluster give the same report bytes."""
import sys

import pytest
from click.testing import CliRunner

from evote.cli.main import cli
from evote.verify.run import verify_record

from test_verify_support import small_record


def test_dask_and_local_reports_identical(tmp_path_factory, tmp_path):
    distributed = pytest.importorskip(
        "distributed", reason="dask.distributed is not installed (pip install 'evote[dask]')")
    record = small_record(tmp_path_factory)
    local = verify_record(record, jobs=1)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        remote = verify_record(record, scheduler=cluster.scheduler_address)
        out = tmp_path / "dask.json"
        result = CliRunner().invoke(cli, ["verify", record, "--scheduler",
                                          cluster.scheduler_address, "--json", str(out)])
    assert remote.valid
    assert remote.to_text() == local.to_text()
    assert remote.to_json() == local.to_json()
    assert result.exit_code == 0, result.output
    assert out.read_text() == local.to_json()


def test_missing_dask_is_a_clear_error(tmp_path_factory, monkeypatch):
    record = small_record(tmp_path_factory)
    monkeypatch.setitem(sys.modules, "distributed", None)  # import now fails
    result = CliRunner().invoke(cli, ["verify", record, "--scheduler", "tcp://127.0.0.1:8786"])
    assert result.exit_code == 2
    assert "pip install 'evote[dask]'" in result.output
