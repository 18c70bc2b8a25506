"""A PySpark session for running the panel builder on Spark, locally.

:func:`analysis.data.panels.connect` (``backend="pyspark"``) uses
:func:`local_session` when no session is given, so the same Ibis expressions
that run on DuckDB run on Spark unchanged. On a cluster, pass your own
session instead: ``connect("pyspark", session=spark)``.

The local session is set up for a small machine (two cores, a few GB):

* ``local[cores]`` master, ``spark.sql.shuffle.partitions`` small (the panels
  are aggregates of a few thousand to a few hundred thousand rows; Spark's
  default of 200 partitions only adds task overhead here);
* UI and console progress bars off, log level ``ERROR``;
* ``spark.local.dir``, the SQL warehouse and the JVM's ``java.io.tmpdir`` in a
  fresh temporary folder, removed when Python exits;
* session and JVM time zone UTC (Ibis sets the session time zone to UTC as
  well), so dates never shift through a local time zone;
* ``SPARK_LOCAL_IP=127.0.0.1`` unless already set (no loopback warning, no
  attempt to bind a public interface);
* Arrow transfers to pandas on.

Spark needs a Java runtime (17 here); :func:`java_available` tells whether
one can be started.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

__all__ = ["java_available", "local_session", "stop_session"]


def _java_executable() -> str | None:
    home = os.environ.get("JAVA_HOME")
    if home:
        exe = Path(home) / "bin" / "java"
        if exe.exists():
            return str(exe)
    return shutil.which("java")


def java_available() -> bool:
    """Whether a Java runtime starts (``java -version`` exits 0).

    Looks at ``$JAVA_HOME/bin/java`` first, then ``java`` on the ``PATH``,
    as PySpark does.
    """
    exe = _java_executable()
    if exe is None:
        return False
    try:
        res = subprocess.run([exe, "-version"], capture_output=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return False
    return res.returncode == 0


def local_session(app: str = "panels", cores: int = 2, driver_memory: str | None = None,
                  shuffle_partitions: int | None = None, tmp_dir: str | Path | None = None,
                  conf: dict[str, str] | None = None):
    """Start (or return the running) local-mode SparkSession.

    Parameters
    ----------
    app : str
        Application name.
    cores : int
        Worker threads: master ``local[cores]``.
    driver_memory : str, optional
        JVM heap of the driver (which also runs the tasks in local mode).
        Default ``$ANALYSIS_SPARK_DRIVER_MEMORY`` or ``"2g"``: enough for the
        panels of 5x10^7 posts, since Spark spills aggregates to
        ``spark.local.dir`` rather than holding the extract in memory. Only
        takes effect when this call starts the JVM.
    shuffle_partitions : int, optional
        ``spark.sql.shuffle.partitions``; default ``2 * cores``.
    tmp_dir : str or Path, optional
        Parent of the session's scratch folder (default: the system temp
        folder). The scratch folder is removed at interpreter exit.
    conf : dict, optional
        Extra Spark settings, applied last.

    Returns
    -------
    pyspark.sql.SparkSession

    Raises
    ------
    RuntimeError
        When no Java runtime is available.

    Notes
    -----
    Spark allows one active session per JVM: when one is already running,
    ``getOrCreate`` returns it and only runtime SQL settings are applied.
    """
    if not java_available():
        raise RuntimeError("PySpark needs a Java runtime: `java -version` failed "
                           "(install a JDK 17 or set JAVA_HOME)")
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("PYSPARK_PYTHON", _python())
    from pyspark.sql import SparkSession

    scratch = Path(tempfile.mkdtemp(prefix="spark-", dir=tmp_dir))
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    local_dir = scratch / "local"
    warehouse = scratch / "warehouse"
    jvm_tmp = scratch / "jvm-tmp"
    for d in (local_dir, warehouse, jvm_tmp):
        d.mkdir()
    memory = driver_memory or os.environ.get("ANALYSIS_SPARK_DRIVER_MEMORY", "2g")
    partitions = shuffle_partitions or max(2 * int(cores), 1)
    log_conf = scratch / "log4j2.properties"
    log_conf.write_text(_LOG4J2)
    java_opts = (f"-Djava.io.tmpdir={jvm_tmp} -Duser.timezone=UTC -Dderby.system.home={scratch} "
                 f"-Dlog4j2.configurationFile={log_conf.as_uri()}")
    settings = {
        "spark.master": f"local[{int(cores)}]",
        "spark.app.name": app,
        "spark.driver.memory": memory,
        "spark.driver.host": os.environ["SPARK_LOCAL_IP"],
        "spark.driver.bindAddress": os.environ["SPARK_LOCAL_IP"],
        "spark.driver.extraJavaOptions": java_opts,
        "spark.executor.extraJavaOptions": java_opts,
        "spark.local.dir": str(local_dir),
        "spark.sql.warehouse.dir": str(warehouse),
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.shuffle.partitions": str(partitions),
        "spark.default.parallelism": str(partitions),
        "spark.sql.adaptive.enabled": "true",
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.sql.execution.arrow.pyspark.fallback.enabled": "true",
        "spark.log.level": "ERROR",
    }
    settings.update(conf or {})
    builder = SparkSession.builder
    for key, value in settings.items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    for key in ("spark.sql.session.timeZone", "spark.sql.shuffle.partitions"):
        session.conf.set(key, settings[key])
    return session


#: Errors only, on stderr (Spark's default prints INFO/WARN start-up chatter).
_LOG4J2 = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{yy/MM/dd HH:mm:ss} %p %c{1}: %m%n
"""


def stop_session() -> None:
    """Stop the active SparkSession, if any (frees the JVM's memory)."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        return
    session = SparkSession.getActiveSession()
    if session is not None:
        session.stop()


def _python() -> str:
    import sys

    return sys.executable
