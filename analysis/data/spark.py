"""A PySpark session for running the panel builder on Spark, locally or on a cluster.

:func:`analysis.data.panels.connect` (``backend="pyspark"``) uses
:func:`local_session` when no session is given, so the same Ibis expressions
that run on DuckDB run on Spark unchanged. ``connect("spark://host:7077")``
(``python -m analysis run --backend spark://host:7077``) starts a session on a
Spark standalone cluster with :func:`cluster_session`; a session you built
yourself goes in as ``connect("pyspark", session=spark)``.

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
import contextlib
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

__all__ = ["check_backend", "cluster_session", "standalone_cluster", "is_master_url", "java_available", "local_session", "stop_session"]

#: A Spark standalone master URL: ``spark://host:port``, several masters (high availability)
#: separated by commas.
_MASTER_URL = re.compile(r"^spark://[A-Za-z0-9._-]+:[0-9]{1,5}(,[A-Za-z0-9._-]+:[0-9]{1,5})*$")
#: Hosts that mean "this machine": a driver talking to such a master binds the loopback interface.
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def check_backend(text: str) -> str:
    """``text`` if it names a backend :func:`analysis.data.panels.connect` opens without a session: else ``ValueError``.

    Accepted: ``duckdb``, ``pyspark`` (local Spark), ``spark://host:port``
    (a Spark standalone cluster). The message names what was given and the
    accepted forms (the CLI's ``--backend`` uses it).
    """
    if text in ("duckdb", "pyspark") or is_master_url(text):
        return text
    raise ValueError(f"--backend {text!r}: expected duckdb, pyspark or a Spark master URL spark://host:port")


def is_master_url(text: str) -> bool:
    """Whether ``text`` is a Spark standalone master URL (``spark://host:port[,host:port...]``)."""
    return bool(_MASTER_URL.match(text or ""))


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
    return _session(f"local[{int(cores)}]", app, driver_memory, shuffle_partitions or max(2 * int(cores), 1),
                    tmp_dir, conf)


def cluster_session(master: str, app: str = "panels", driver_memory: str | None = None,
                    executor_memory: str | None = None, shuffle_partitions: int | None = None,
                    tmp_dir: str | Path | None = None, conf: dict[str, str] | None = None):
    """Start a SparkSession whose executors run on a Spark standalone cluster.

    The settings are :func:`local_session`'s, with ``spark.master`` set to
    ``master``. The panel builder sends only SQL to the executors (no Python
    functions), so the workers need no Python packages, but **they read the
    extract's files themselves**: the extract folder must be at the same path
    on every worker (a shared file system) or on storage all of them reach.

    Parameters
    ----------
    master : str
        ``spark://host:port`` (the URL the master prints and shows in its web UI).
    app, driver_memory, tmp_dir, conf
        As :func:`local_session`.
    executor_memory : str, optional
        ``spark.executor.memory``; default ``$ANALYSIS_SPARK_EXECUTOR_MEMORY``
        or ``"1g"`` (the cluster must have workers with at least that much).
    shuffle_partitions : int, optional
        ``spark.sql.shuffle.partitions``; default 8.

    Raises
    ------
    ValueError
        ``master`` is not a ``spark://host:port`` URL.
    RuntimeError
        No Java runtime.

    Notes
    -----
    When the master's host is this machine (``127.0.0.1``/``localhost``) the
    driver binds the loopback interface, as in local mode; otherwise the
    driver's address is Spark's default (the host's name), or
    ``$SPARK_LOCAL_IP`` when set, which the workers must be able to reach.
    A master that does not answer makes Spark retry for about a minute and
    then raise; the run stops with that error.
    """
    if not is_master_url(master):
        raise ValueError(f"not a Spark master URL: {master!r} (expected spark://host:port)")
    hosts = {h.rsplit(":", 1)[0] for h in master[len("spark://"):].split(",")}
    memory = executor_memory or os.environ.get("ANALYSIS_SPARK_EXECUTOR_MEMORY", "1g")
    return _session(master, app, driver_memory, shuffle_partitions or 8, tmp_dir,
                    {"spark.executor.memory": memory, **(conf or {})}, loopback=hosts <= _LOOPBACK)


def _session(master: str, app: str, driver_memory: str | None, partitions: int,
             tmp_dir: str | Path | None, conf: dict[str, str] | None, loopback: bool = True):
    """The SparkSession of :func:`local_session` and :func:`cluster_session` (see their docs)."""
    if not java_available():
        raise RuntimeError("PySpark needs a Java runtime: `java -version` failed "
                           "(install a JDK 17 or set JAVA_HOME)")
    if loopback:
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
    log_conf = scratch / "log4j2.properties"
    log_conf.write_text(_LOG4J2)
    java_opts = (f"-Djava.io.tmpdir={jvm_tmp} -Duser.timezone=UTC -Dderby.system.home={scratch} "
                 f"-Dlog4j2.configurationFile={log_conf.as_uri()}")
    settings = {
        "spark.master": master,
        "spark.app.name": app,
        "spark.driver.memory": memory,
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
    if os.environ.get("SPARK_LOCAL_IP"):
        settings["spark.driver.host"] = settings["spark.driver.bindAddress"] = os.environ["SPARK_LOCAL_IP"]
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


@contextlib.contextmanager
def standalone_cluster(cores: int = 1, memory: str = "1g", tmp_dir: str | Path | None = None,
                       timeout: float = 120.0):
    """Start a Spark standalone master and one worker on this machine; yield the master URL.

    For tests and benchmarks of :func:`cluster_session` without a cluster:
    the master and the worker are separate JVMs started with pyspark's own
    ``bin/spark-class`` (no Spark download), bound to ``127.0.0.1`` on free
    ports, with their logs and work folder in a temporary folder. Both are
    stopped (and the folder removed) when the block exits.

    Parameters
    ----------
    cores, memory : int, str
        The worker's cores and memory (``--cores``, ``--memory``).
    tmp_dir : str or Path, optional
        Parent of the temporary folder.
    timeout : float
        Seconds to wait for the master to start and the worker to register.

    Yields
    ------
    str
        The master URL, ``spark://127.0.0.1:<port>``.

    Raises
    ------
    RuntimeError
        No Java runtime, or the master or worker did not start within
        ``timeout`` (the message quotes the end of its log).
    """
    if not java_available():
        raise RuntimeError("a Spark standalone cluster needs a Java runtime: `java -version` failed")
    import pyspark

    home = Path(pyspark.__file__).parent
    folder = Path(tempfile.mkdtemp(prefix="spark-cluster-", dir=tmp_dir))
    env = {**os.environ, "SPARK_HOME": str(home), "SPARK_LOCAL_IP": "127.0.0.1",
           "SPARK_WORKER_DIR": str(folder / "work"), "SPARK_LOG_DIR": str(folder)}
    procs: list[subprocess.Popen] = []

    def start(name: str, *args: str) -> Path:
        log = folder / f"{name}.log"
        with open(log, "wb") as fh:
            procs.append(subprocess.Popen([str(home / "bin" / "spark-class"), *args], env=env, stdout=fh,
                                          stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL))
        return log

    def wait_for(log: Path, pattern: str) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = re.search(pattern, log.read_text(errors="replace"))
            if m:
                return m.group(0)
            if any(p.poll() is not None for p in procs):
                break
            time.sleep(0.25)
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-15:])
        raise RuntimeError(f"Spark standalone {log.stem} did not start within {timeout:.0f} s; its log ends:\n{tail}")

    try:
        master_log = start("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                           "--port", "0", "--webui-port", "0")
        url = wait_for(master_log, r"spark://127\.0\.0\.1:[0-9]+")
        worker_log = start("worker", "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1", "--port", "0",
                           "--webui-port", "0", "--cores", str(int(cores)), "--memory", memory, url)
        wait_for(worker_log, r"Successfully registered with master")
        yield url
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in reversed(procs):
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(folder, ignore_errors=True)
