"""The panel builder on a Spark standalone cluster gives the DuckDB panels.

``python -m analysis run --backend spark://host:port`` and
``connect("spark://host:port")`` start a session whose executors run on a
Spark standalone cluster (:func:`analysis.data.spark.cluster_session`). Here the
test starts a master and a worker on this machine
(:func:`analysis.data.spark.standalone_cluster`, pyspark's own ``spark-class``)
and checks every panel against DuckDB's with the same rules as
``tests/test_spark.py`` (keys and counts exact, sums identical bits).

Needs a Java runtime and pyspark; skipped with a message otherwise. It runs in
the ``spark`` group (one pytest worker, after or before ``test_spark.py``'s
local session, never beside it: one SparkSession per JVM). About 20-40 s: three
JVMs start (master, worker, the driver's session; the executor is a fourth).
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from analysis.data.panels import PANELS, build_panels, connect
from analysis.data.simulate import World, write_extract
from tests.test_spark import _assert_same, _spark_or_skip

pytestmark = [pytest.mark.spark, pytest.mark.xdist_group("spark")]


@pytest.fixture(scope="module")
def cluster():
    _spark_or_skip()
    from analysis.data.spark import standalone_cluster, stop_session

    stop_session()  # a local session of this JVM would be returned instead of a cluster one
    with standalone_cluster(cores=1, memory="1g") as url:
        yield url
    stop_session()


def test_cluster_panels_equal_duckdb(cluster, tmp_path):
    write_extract(World(n_posts=20_000, seed=7), tmp_path, fmt="parquet")
    con = connect(cluster)
    session = con._session
    assert session.sparkContext.master == cluster  # a cluster session, not local mode
    assert session.sparkContext.getConf().get("spark.executor.memory") == "1g"
    spark = build_panels(tmp_path, start="2022-03-01", end="2023-11-30", con=con)
    duck = build_panels(tmp_path, start="2022-03-01", end="2023-11-30", backend="duckdb")
    assert set(spark) == set(duck) == set(PANELS)
    for name in PANELS:
        assert len(duck[name]) > 0
        _assert_same(name, duck[name], spark[name])
    from analysis.data.spark import stop_session

    stop_session()


def test_run_refuses_a_bad_backend_with_usage_exit(tmp_path):
    res = subprocess.run([sys.executable, "-m", "analysis", "run", "--backend", "spark://nohost",
                          "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=120)
    assert res.returncode == 2
    assert "--backend: expected duckdb, pyspark or a Spark master URL spark://host:port" in res.stderr
    assert not (tmp_path / "out").exists()
