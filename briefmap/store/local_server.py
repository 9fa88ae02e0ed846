"""A PostgreSQL server with PostGIS in a folder of one's own: ``make db`` and the tests.

Debian's ``postgresql-15`` and ``postgresql-15-postgis-3`` put the server's
programs in ``/usr/lib/postgresql/15/bin``; this module makes a cluster in a
folder (``initdb``), starts and stops it (``pg_ctl``) on a port of its own and a
unix socket in that folder, and creates the PostGIS extension. Nothing is
installed system-wide and no system service is touched.

PostgreSQL refuses to run as root (``initdb`` and ``postgres`` both stop with
"cannot be run as root"), and CI machines and containers often are root: there
the programs run as the ``postgres`` user the Debian package creates (else as
``nobody``), through ``runuser``, and the cluster's folders are handed to that
user. That user must be able to reach the folder, which it cannot under a
private home (``/root`` is mode 700): :func:`cluster_error` says so plainly.

``python -m briefmap.store.local_server up DIR PORT`` starts (creating when
needed) a cluster for development and prints the URL to export;
``down DIR`` stops it.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

# Where Debian puts each major version's programs; the newest found wins.
PG_BIN_ENV = "BRIEFMAP_PG_BIN"
DEBIAN_PG_ROOT = Path("/usr/lib/postgresql")
INSTALL_HINT = (
    "Install Debian's PostgreSQL with PostGIS (apt-get install -y postgresql-15 "
    "postgresql-15-postgis-3, as .ci/run does), or point $BRIEFMAP_PG_BIN at a "
    "PostgreSQL bin folder whose share folder has PostGIS."
)
# The superuser initdb makes; the unix socket and local trust need no password.
SUPERUSER = "postgres"
RUN_AS_USERS = ("postgres", "nobody")
RUNUSER = shutil.which("runuser") or "/usr/sbin/runuser"  # util-linux, on every Debian


class ClusterError(RuntimeError):
    """The local server could not be made, started or reached; the message says why."""


def find_pg_bin() -> Path | None:
    """The PostgreSQL bin folder to use: ``$BRIEFMAP_PG_BIN``, else Debian's newest."""
    given = os.environ.get(PG_BIN_ENV)
    if given:
        return Path(given) if (Path(given) / "pg_ctl").is_file() else None
    found = sorted(
        (p for p in DEBIAN_PG_ROOT.glob("*/bin") if (p / "pg_ctl").is_file()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    return found[-1] if found else None


def missing_reason() -> str | None:
    """Why a local PostGIS server cannot be started here, or None when it can."""
    pg_bin = find_pg_bin()
    if pg_bin is None:
        where = os.environ.get(PG_BIN_ENV) or f"{DEBIAN_PG_ROOT}/*/bin"
        return f"No PostgreSQL server programs (pg_ctl) in {where}"
    share = subprocess.run(  # noqa: S603 - PostgreSQL's own program, no input of anyone's
        [str(pg_bin / "pg_config"), "--sharedir"], capture_output=True, text=True, check=False
    ).stdout.strip()
    if not share or not (Path(share) / "extension" / "postgis.control").is_file():
        return f"PostgreSQL in {pg_bin} has no PostGIS extension (postgis.control)"
    if os.geteuid() == 0 and _run_as_user() is None:
        return "Running as root, and neither a 'postgres' nor a 'nobody' user to run the server as"
    return None


def _run_as_user() -> pwd.struct_passwd | None:
    for name in RUN_AS_USERS:
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    return None


@dataclass(frozen=True)
class LocalCluster:
    """A cluster in ``data_dir``, its socket in ``socket_dir``, listening on ``port``.

    ``host`` is the TCP address it also listens on ("" for the unix socket
    only: the tests, where each pytest-xdist worker's socket folder differs, so
    ports never clash).
    """

    data_dir: Path
    socket_dir: Path
    port: int
    host: str = ""
    pg_bin: Path | None = None

    @property
    def bin(self) -> Path:
        found = self.pg_bin or find_pg_bin()
        if found is None:
            raise ClusterError(f"{missing_reason()}. {INSTALL_HINT}")
        return found

    @property
    def log_file(self) -> Path:
        return self.data_dir.parent / f"{self.data_dir.name}.log"

    def url(self, dbname: str = SUPERUSER) -> str:
        """A libpq URL for ``dbname``: over TCP when it listens there, else its socket."""
        if self.host:
            return f"postgresql://{SUPERUSER}@{self.host}:{self.port}/{dbname}"
        return f"postgresql://{SUPERUSER}@/{dbname}?host={self.socket_dir}&port={self.port}"

    def _command(self, args: Sequence[str]) -> list[str]:
        if os.geteuid() != 0:
            return list(args)
        user = _run_as_user()
        if user is None:
            raise ClusterError(missing_reason() or "no user to run the server as")
        return [RUNUSER, "-u", user.pw_name, "--", *args]

    def _run(self, args: Sequence[str], what: str) -> None:
        done = subprocess.run(  # noqa: S603 - PostgreSQL's programs; paths are ours
            self._command(args), capture_output=True, text=True, check=False, cwd="/"
        )
        if done.returncode != 0:
            log = (
                self.log_file.read_text(errors="replace")[-2000:] if self.log_file.exists() else ""
            )
            raise ClusterError(
                f"{what} failed (exit {done.returncode}): {done.stderr.strip() or done.stdout.strip()}"
                + (f"\nServer log ({self.log_file}):\n{log}" if log else "")
            )

    def _hand_over(self, *paths: Path) -> None:
        """As root, give the server's folders to the user it runs as."""
        if os.geteuid() != 0:
            return
        user = _run_as_user()
        assert user is not None  # noqa: S101 - _command raised before we get here
        for path in paths:
            os.chown(path, user.pw_uid, user.pw_gid)
        probe = subprocess.run(  # noqa: S603 - runuser and test, on our own folder
            [RUNUSER, "-u", user.pw_name, "--", "test", "-w", str(self.data_dir)],
            check=False,
        )
        if probe.returncode != 0:
            raise ClusterError(
                f"Running as root, the server runs as user {user.pw_name!r}, who cannot reach "
                f"{self.data_dir} (a folder on the way is private, as /root is). Run as an "
                "ordinary user, or keep the cluster in a folder every user can traverse."
            )

    def initialised(self) -> bool:
        return (self.data_dir / "PG_VERSION").is_file()

    def init(self, *, fast: bool = False) -> None:
        """``initdb``: the superuser ``postgres``, local trust, UTF-8.

        ``fast`` (the tests) skips the disk flushes a real cluster needs.
        """
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir.chmod(0o700)
        self.socket_dir.mkdir(parents=True, exist_ok=True)
        self.log_file.touch()
        # The cluster's folder (data_dir's parent) is this cluster's own: .db/, a temp folder.
        self._hand_over(self.data_dir.parent, self.data_dir, self.socket_dir, self.log_file)
        args = [
            str(self.bin / "initdb"),
            "-D",
            str(self.data_dir),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        ]
        self._run([*args, *(["--no-sync"] if fast else [])], "initdb")

    def running(self) -> bool:
        if not self.initialised():
            return False
        done = subprocess.run(  # noqa: S603 - pg_ctl status on our own folder
            self._command([str(self.bin / "pg_ctl"), "status", "-D", str(self.data_dir)]),
            capture_output=True,
            check=False,
            cwd="/",
        )
        return done.returncode == 0

    def start(self, *, fast: bool = False) -> None:
        """``pg_ctl start``, waiting until it accepts connections."""
        options = [
            f"-p {self.port}",
            f"-k {self.socket_dir}",
            f"-c listen_addresses='{self.host}'",
        ]
        if fast:
            # Test servers hold throwaway data: no flushes, fewer workers, small.
            options += [
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                "-c max_connections=60",
                "-c shared_buffers=32MB",
            ]
        self._run(
            [
                str(self.bin / "pg_ctl"),
                "start",
                "-w",
                "-t",
                "60",
                "-D",
                str(self.data_dir),
                "-l",
                str(self.log_file),
                "-o",
                " ".join(options),
            ],
            "pg_ctl start",
        )

    def stop(self) -> None:
        """``pg_ctl stop`` (fast: open sessions are ended)."""
        if self.running():
            self._run(
                [str(self.bin / "pg_ctl"), "stop", "-w", "-m", "fast", "-D", str(self.data_dir)],
                "pg_ctl stop",
            )

    def create_database(self, name: str, *, postgis: bool = True, template: str = "") -> str:
        """Create database ``name`` (from ``template`` when given) with PostGIS; its URL."""
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.url(), autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
            ).fetchone()
            if not exists:
                statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
                if template:
                    statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
                    if conn.info.server_version >= 150000:
                        # A copy of the template's files: a tenth of a second, where the
                        # default (WAL_LOG) writes every block through the log.
                        statement += sql.SQL(" STRATEGY FILE_COPY")
                conn.execute(statement)
        if postgis and not template:
            with psycopg.connect(self.url(name), autocommit=True) as conn:
                conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        return self.url(name)


def cluster_for_development(folder: Path, port: int) -> LocalCluster:
    """``make db``'s cluster: data in ``folder/data``, socket in ``folder``, on localhost."""
    folder = folder.resolve()
    return LocalCluster(data_dir=folder / "data", socket_dir=folder, port=port, host="localhost")


DEVELOPMENT_DATABASE = "briefmap"


def main(argv: Sequence[str] | None = None) -> int:
    """``up DIR PORT``: make and start the cluster, create its database; ``down DIR``."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) < 2 or args[0] not in {"up", "down"} or (args[0] == "up" and len(args) != 3):
        print(
            "usage: python -m briefmap.store.local_server up DIR PORT | down DIR", file=sys.stderr
        )
        return 2
    folder = Path(args[1])
    try:
        if args[0] == "down":
            cluster = cluster_for_development(folder, 0)
            if cluster.running():
                cluster.stop()
                print(f"Stopped the server in {cluster.data_dir}")
            else:
                print(f"No server running in {cluster.data_dir}")
            return 0
        cluster = cluster_for_development(folder, int(args[2]))
        reason = missing_reason()
        if reason:
            raise ClusterError(f"{reason}. {INSTALL_HINT}")
        if not cluster.initialised():
            cluster.init()
        if not cluster.running():
            cluster.start()
        url = cluster.create_database(DEVELOPMENT_DATABASE)
    except ClusterError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"PostgreSQL with PostGIS is running in {cluster.data_dir} (log: {cluster.log_file}).")
    print("Use it in this shell, then create the tables and load the data:")
    print(f"  export BRIEFMAP_DATABASE_URL={url}")
    print("  .venv/bin/python -m briefmap db init")
    print("  .venv/bin/python -m briefmap db import geodata")
    return 0


if __name__ == "__main__":
    sys.exit(main())
