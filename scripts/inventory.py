"""What a backup holds and what a database and media folder hold, and whether the two agree.

The shell scripts (backup.sh, restore.sh, backup_drill.sh) call this for everything that needs the
project's settings or a database connection. The database and MEDIA_ROOT are always the ones
config/settings.py computes from the environment (DATABASE_URL, MEDIA_ROOT), never guessed.

  inventory.py env                  shell assignments: DB_VENDOR, MEDIA_ROOT, PG_BIN and libpq PG* variables
  inventory.py db-state             "missing", "empty" or "tables:<n>" for the configured database
  inventory.py backup DIR           DIR/database.dump, DIR/media.tar and DIR/manifest.json
  inventory.py check-archives DIR   the dump and the tar are the ones the manifest describes
  inventory.py verify DIR           the live database and media folder against DIR/manifest.json
  inventory.py snapshot FILE        the live inventory as JSON
  inventory.py compare A B          two inventories (JSON files) side by side

An inventory is every table's row count and content checksum (md5 over the sorted md5 of each row's
text) and every media file's size and sha256. Counts and checksums are taken in the same database
snapshot that pg_dump dumps, so a backup of a live service has a manifest that matches its dump.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# As manage.py: with no SECRET_KEY in the environment this is a developer's checkout. Only the
# database and media settings are read here.
if "SECRET_KEY" not in os.environ:
    os.environ.setdefault("DEBUG", "true")
# Start-up chatter from apps (at INFO) would bury the figures these commands print.
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from psycopg import sql  # noqa: E402

Inventory = dict[str, Any]

# libpq connection parameters that Django's OPTIONS may carry, and their environment variables.
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
}
# Row text must not depend on the session: the same row prints the same on source and restore.
SESSION_SETUP = (
    "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; "
    "SET extra_float_digits = 1; SET bytea_output = 'hex'"
)
USER_TABLES = """
    SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'r' AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
    ORDER BY 1, 2
"""
# Sequences owned by a column (serial and identity), with the column they feed.
OWNED_SEQUENCES = """
    SELECT sn.nspname, s.relname, tn.nspname, t.relname, a.attname
    FROM pg_class s
    JOIN pg_namespace sn ON sn.oid = s.relnamespace
    JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass
        AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
    JOIN pg_class t ON t.oid = d.refobjid
    JOIN pg_namespace tn ON tn.oid = t.relnamespace
    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
    WHERE s.relkind = 'S'
    ORDER BY 1, 2
"""


class Refused(Exception):
    """A condition the operator must fix; the message says how."""


def say(text: str = "") -> None:
    sys.stdout.write(text + "\n")


# --- Settings and connections ---------------------------------------------------------------------


def database() -> dict[str, Any]:
    return settings.DATABASES["default"]


def vendor() -> str:
    engine = database()["ENGINE"]
    if engine.endswith("postgresql"):
        return "postgresql"
    if engine.endswith("sqlite3"):
        return "sqlite"
    return engine


def require_postgresql() -> None:
    if vendor() == "sqlite":
        raise Refused(
            f"DATABASE_URL is SQLite ({database()['NAME']}): these scripts back up PostgreSQL "
            "only. Stop the service and copy the file, e.g. "
            f"sqlite3 {database()['NAME']} \".backup 'db-copy.sqlite3'\", with the media folder."
        )
    if vendor() != "postgresql":
        raise Refused(f"DATABASE_URL is {vendor()}: only PostgreSQL is supported.")


def libpq_params(dbname: str | None = None) -> dict[str, str]:
    db = database()
    params = {
        "host": str(db.get("HOST") or ""),
        "port": str(db.get("PORT") or ""),
        "user": str(db.get("USER") or ""),
        "password": str(db.get("PASSWORD") or ""),
        "dbname": dbname or str(db["NAME"]),
    }
    params |= {
        key: str(value)
        for key, value in db.get("OPTIONS", {}).items()
        if key in LIBPQ_OPTIONS
    }
    return {key: value for key, value in params.items() if value}


def libpq_env(dbname: str | None = None) -> dict[str, str]:
    names = {
        "host": "PGHOST",
        "port": "PGPORT",
        "user": "PGUSER",
        "password": "PGPASSWORD",
        "dbname": "PGDATABASE",
    } | LIBPQ_OPTIONS
    return {names[key]: value for key, value in libpq_params(dbname).items()}


def connect(dbname: str | None = None) -> psycopg.Connection:
    return psycopg.connect(**libpq_params(dbname), autocommit=True)


def server_major() -> int:
    # The target database may not exist yet (restore): ask the server through its maintenance db.
    for dbname in (None, "postgres", "template1"):
        try:
            with connect(dbname) as conn:
                return int(conn.info.server_version) // 10000
        except psycopg.OperationalError as error:
            last = error
    raise Refused(f"Cannot reach the PostgreSQL server: {last}")


def pg_bin() -> Path:
    """The folder of client tools matching the server's major version (Debian keeps one per
    version); pg_dump refuses a newer server, and an older pg_restore cannot read a newer dump."""
    major = server_major()
    debian = Path(f"/usr/lib/postgresql/{major}/bin")
    if (debian / "pg_dump").exists():
        return debian
    found = shutil.which("pg_dump")
    if not found:
        raise Refused(
            "pg_dump is not installed (Debian: apt-get install postgresql-client)"
        )
    version = subprocess.run(
        [found, "--version"], capture_output=True, text=True, check=True
    ).stdout
    client = int(re.search(r"\)\s*(\d+)", version).group(1))
    if client < major:
        raise Refused(
            f"{found} is version {client} but the server is {major}: install postgresql-client-{major}"
        )
    return Path(found).parent


# --- Inventories --------------------------------------------------------------------------------


def database_inventory(cursor: psycopg.Cursor) -> dict[str, dict[str, Any]]:
    cursor.execute(SESSION_SETUP)
    tables = cursor.execute(USER_TABLES).fetchall()
    result = {}
    for schema, table in tables:
        name = sql.Identifier(schema, table)
        rows, checksum = cursor.execute(
            sql.SQL(
                "SELECT count(*), md5(coalesce(string_agg(h, '' ORDER BY h), '')) "
                "FROM (SELECT md5(t::text) AS h FROM {} AS t) AS r"
            ).format(name)
        ).fetchone()
        result[f"{schema}.{table}"] = {"rows": rows, "checksum": checksum}
    return result


def migration_state(cursor: psycopg.Cursor) -> dict[str, str]:
    """The last applied migration of each app (names are numbered, so the greatest is the last)."""
    exists = cursor.execute("SELECT to_regclass('django_migrations')").fetchone()[0]
    if exists is None:
        return {}
    rows = cursor.execute(
        "SELECT app, max(name) FROM django_migrations GROUP BY app ORDER BY app"
    ).fetchall()
    return dict(rows)


def sha256_of(stream: Any) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(1024 * 1024), b""):
        digest.update(chunk)
    return digest.hexdigest()


def folder_inventory(root: Path) -> dict[str, dict[str, Any]]:
    if not root.exists():
        return {}
    files = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            with path.open("rb") as stream:
                files[path.relative_to(root).as_posix()] = {
                    "size": path.stat().st_size,
                    "sha256": sha256_of(stream),
                }
    return files


def tar_inventory(archive: Path) -> dict[str, dict[str, Any]]:
    files = {}
    with tarfile.open(archive) as tar:
        for member in tar:
            if member.isfile():
                stream = tar.extractfile(member)
                files[member.name.removeprefix("./")] = {
                    "size": member.size,
                    "sha256": sha256_of(stream),
                }
    return dict(sorted(files.items()))


def file_digest(path: Path) -> dict[str, Any]:
    with path.open("rb") as stream:
        return {"size": path.stat().st_size, "sha256": sha256_of(stream)}


def live_inventory() -> Inventory:
    with connect() as conn, conn.cursor() as cursor:
        tables = database_inventory(cursor)
        migrations = migration_state(cursor)
        sequences = sequence_problems(cursor)
    return {
        "tables": tables,
        "files": folder_inventory(Path(settings.MEDIA_ROOT)),
        "migrations": migrations,
        "sequence_problems": sequences,
    }


def sequence_problems(cursor: psycopg.Cursor) -> list[str]:
    """Owned sequences behind their column's greatest value: the next insert would collide."""
    problems = []
    for seq_schema, seq, schema, table, column in cursor.execute(
        OWNED_SEQUENCES
    ).fetchall():
        last_value, is_called = cursor.execute(
            sql.SQL("SELECT last_value, is_called FROM {}").format(
                sql.Identifier(seq_schema, seq)
            )
        ).fetchone()
        greatest = cursor.execute(
            sql.SQL("SELECT max({}) FROM {}").format(
                sql.Identifier(column), sql.Identifier(schema, table)
            )
        ).fetchone()[0]
        next_value = last_value + 1 if is_called else last_value
        if greatest is not None and next_value <= greatest:
            problems.append(
                f"sequence {seq_schema}.{seq} would next give {next_value}, "
                f"but {schema}.{table}.{column} already holds {greatest}"
            )
    return problems


# --- Commands -----------------------------------------------------------------------------------


def command_env() -> None:
    assignments = {"DB_VENDOR": vendor(), "MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    if vendor() == "postgresql":
        assignments |= {"PG_BIN": str(pg_bin())} | libpq_env()
    else:
        assignments["DB_NAME"] = str(database()["NAME"])
    for key, value in assignments.items():
        # The PG* variables are for the client tools (pg_restore, createdb, dropdb): exported.
        export = "export " if key.startswith("PG") and key != "PG_BIN" else ""
        say(f"{export}{key}={shlex.quote(value)}")


def command_db_state() -> None:
    require_postgresql()
    try:
        conn = connect()
    except psycopg.OperationalError as error:
        if "does not exist" in str(error):
            say("missing")
            return
        raise
    with conn, conn.cursor() as cursor:
        tables = cursor.execute(USER_TABLES).fetchall()
    say(f"tables:{len(tables)}" if tables else "empty")


def command_backup(folder: Path) -> None:
    """Dump the database and pack the media folder, then write the manifest.

    The row counts are taken inside the transaction whose snapshot pg_dump dumps, so they describe
    exactly the dump even while the service runs. The database goes first: a file is saved before
    its row, so every file the dump refers to is already on disk when the media is packed.
    """
    require_postgresql()
    bin_dir = pg_bin()
    media_root = Path(settings.MEDIA_ROOT)
    dump = folder / "database.dump"
    with connect() as conn:
        conn.autocommit = False
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        with conn.cursor() as cursor:
            snapshot = cursor.execute("SELECT pg_export_snapshot()").fetchone()[0]
            subprocess.run(
                [
                    bin_dir / "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={dump}",
                ],
                env=os.environ | libpq_env(),
                check=True,
            )
            tables = database_inventory(cursor)
            migrations = migration_state(cursor)
            server_version = cursor.execute("SHOW server_version").fetchone()[0]
        conn.rollback()
    pg_dump_version = subprocess.run(
        [bin_dir / "pg_dump", "--version"], capture_output=True, text=True, check=True
    ).stdout.strip()

    archive = folder / "media.tar"
    if media_root.is_dir():
        subprocess.run(["tar", "-C", media_root, "-cf", archive, "."], check=True)
    else:
        say(f"Warning: MEDIA_ROOT {media_root} does not exist; media.tar is empty.")
        with tarfile.open(archive, "w"):
            pass
    files = tar_inventory(archive)

    manifest = {
        "format": 1,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": {
            "name": database()["NAME"],
            "server_version": server_version,
            "pg_dump_version": pg_dump_version,
        },
        "media_root": str(media_root),
        "migrations": migrations,
        "archives": {
            "database.dump": file_digest(dump),
            "media.tar": file_digest(archive),
        },
        "totals": totals({"tables": tables, "files": files}),
        "tables": tables,
        "files": files,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    t = manifest["totals"]
    say(f"Backup written to {folder}")
    say(
        f"  database.dump  {manifest['archives']['database.dump']['size']:>12,} bytes  "
        f"{t['tables']} tables, {t['rows']:,} rows ({pg_dump_version})"
    )
    say(
        f"  media.tar      {manifest['archives']['media.tar']['size']:>12,} bytes  "
        f"{t['files']} files, {t['bytes']:,} bytes from {media_root}"
    )
    say(
        "  migrations     "
        + "\n                 ".join(
            f"{app} {name}" for app, name in migrations.items()
        )
    )


def command_check_archives(folder: Path) -> None:
    manifest = json.loads((folder / "manifest.json").read_text())
    for name, expected in manifest["archives"].items():
        actual = file_digest(folder / name)
        if actual != expected:
            raise Refused(
                f"{folder / name} is not the file the manifest describes "
                f"(sha256 {actual['sha256'][:12]}, expected {expected['sha256'][:12]}): "
                "the backup is damaged."
            )
    say(f"Backup {folder}: database.dump and media.tar match the manifest.")


def totals(inventory: Inventory) -> dict[str, int]:
    return {
        "tables": len(inventory["tables"]),
        "rows": sum(t["rows"] for t in inventory["tables"].values()),
        "files": len(inventory["files"]),
        "bytes": sum(f["size"] for f in inventory["files"].values()),
    }


def compare(
    expected: Inventory, actual: Inventory, *, labels: tuple[str, str], title: str
) -> bool:
    """Print every table and every file of both inventories side by side; True if all equal."""
    mismatches = []
    left, right = labels
    names = sorted(expected["tables"].keys() | actual["tables"].keys())
    width = max([len(n) for n in names] + [5])
    say(f"{'table':<{width}}  {left:>10}  {right:>10}  content")
    for name in names:
        a, b = expected["tables"].get(name), actual["tables"].get(name)
        if a is None or b is None:
            status = f"only in {left if b is None else right}"
        elif a["rows"] != b["rows"]:
            status = "ROW COUNT DIFFERS"
        elif a["checksum"] != b["checksum"]:
            status = "CONTENT DIFFERS"
        else:
            status = "equal"
        if status != "equal":
            mismatches.append(f"table {name}: {status.lower()}")
        say(
            f"{name:<{width}}  {a['rows'] if a else '-':>10}  {b['rows'] if b else '-':>10}  {status}"
        )

    say()
    paths = sorted(expected["files"].keys() | actual["files"].keys())
    width = max([len(p) for p in paths] + [4])
    say(
        f"{'file':<{width}}  {'bytes':>9}  {'sha256 ' + left:<19}  {'sha256 ' + right:<19}"
    )
    for path in paths:
        a, b = expected["files"].get(path), actual["files"].get(path)
        if a is None or b is None:
            status = f"only in {left if b is None else right}"
        elif a != b:
            status = "HASH DIFFERS"
        else:
            status = "equal"
        if status != "equal":
            mismatches.append(f"file {path}: {status.lower()}")
        size = (a or b)["size"]
        say(
            f"{path:<{width}}  {size:>9}  {(a['sha256'][:16] if a else '-'):<19}  "
            f"{(b['sha256'][:16] if b else '-'):<19}  {status}"
        )

    for problem in actual.get("sequence_problems", []):
        mismatches.append(problem)
    say()
    t = totals(actual)
    if mismatches:
        say(f"{title}: {len(mismatches)} mismatches")
        for mismatch in mismatches:
            say(f"  {mismatch}")
        return False
    say(
        f"{title}: {t['tables']} tables, {t['rows']:,} rows, {t['files']} files, all equal"
    )
    return True


def command_verify(folder: Path) -> bool:
    require_postgresql()
    manifest = json.loads((folder / "manifest.json").read_text())
    return compare(
        manifest,
        live_inventory(),
        labels=("backup", "restored"),
        title="Restore check",
    )


def command_snapshot(target: Path) -> None:
    require_postgresql()
    target.write_text(json.dumps(live_inventory(), indent=2) + "\n")


def main(argv: list[str]) -> int:
    command, *args = argv or ["help"]
    try:
        if command == "env":
            command_env()
        elif command == "db-state":
            command_db_state()
        elif command == "backup":
            command_backup(Path(args[0]))
        elif command == "check-archives":
            command_check_archives(Path(args[0]))
        elif command == "verify":
            return 0 if command_verify(Path(args[0])) else 1
        elif command == "snapshot":
            command_snapshot(Path(args[0]))
        elif command == "compare":
            expected, actual = (json.loads(Path(a).read_text()) for a in args[:2])
            labels = (args[2], args[3]) if len(args) >= 4 else ("expected", "actual")
            title = args[4] if len(args) >= 5 else "Comparison"
            return 0 if compare(expected, actual, labels=labels, title=title) else 1
        else:
            sys.stderr.write(__doc__ or "")
            return 2
    except Refused as refusal:
        sys.stderr.write(f"Refused: {refusal}\n")
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
