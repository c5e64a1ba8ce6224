"""The backup's checks catch what they must: a missing or changed row, a missing, changed or extra
file, a damaged archive, a sequence left behind its column, and a database that is not PostgreSQL.

The whole round trip on PostgreSQL (seed, back up, restore, compare) is `make backup-drill`, which CI
runs; these tests pin down the comparison it relies on without needing a server.
"""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location(
    "inventory", ROOT / "scripts" / "inventory.py"
)
inventory = importlib.util.module_from_spec(spec)
spec.loader.exec_module(inventory)


def _inventory():
    return {
        "tables": {
            "public.accounts_user": {"rows": 3, "checksum": "a" * 32},
            "public.workflow_transitionlog": {"rows": 2, "checksum": "b" * 32},
        },
        "files": {
            "evidence/ab/ab12.pdf": {"size": 10, "sha256": "c" * 64},
            "reports/ef34.pdf": {"size": 20, "sha256": "d" * 64},
        },
    }


def test_equal_inventories_pass_with_totals(capsys):
    assert inventory.compare(
        _inventory(), _inventory(), labels=("source", "restored"), title="Drill"
    )

    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == "Drill: 2 tables, 5 rows, 2 files, all equal"
    assert [line.split()[-1] for line in lines if line.startswith("public.")] == [
        "equal",
        "equal",
    ]


def _drop_row(inv):
    inv["tables"]["public.accounts_user"]["rows"] = 2


def _change_row(inv):
    inv["tables"]["public.accounts_user"]["checksum"] = "e" * 32


def _lose_table(inv):
    del inv["tables"]["public.workflow_transitionlog"]


def _lose_file(inv):
    del inv["files"]["reports/ef34.pdf"]


def _change_file(inv):
    inv["files"]["evidence/ab/ab12.pdf"]["sha256"] = "f" * 64


def _add_file(inv):
    inv["files"]["stray.txt"] = {"size": 1, "sha256": "0" * 64}


def _sequence_behind(inv):
    inv["sequence_problems"] = [
        "sequence public.accounts_user_id_seq would next give 2"
    ]


@pytest.mark.parametrize(
    ("damage", "mismatch"),
    [
        (_drop_row, "table public.accounts_user: row count differs"),
        (_change_row, "table public.accounts_user: content differs"),
        (_lose_table, "table public.workflow_transitionlog: only in source"),
        (_lose_file, "file reports/ef34.pdf: only in source"),
        (_change_file, "file evidence/ab/ab12.pdf: hash differs"),
        (_add_file, "file stray.txt: only in restored"),
        (
            _sequence_behind,
            "sequence public.accounts_user_id_seq would next give 2",
        ),
    ],
)
def test_any_difference_fails_and_is_named(capsys, damage, mismatch):
    restored = _inventory()
    damage(restored)

    assert not inventory.compare(
        _inventory(), restored, labels=("source", "restored"), title="Drill"
    )

    out = capsys.readouterr().out.splitlines()
    assert out[-2:] == ["Drill: 1 mismatches", f"  {mismatch}"]


def test_the_tar_inventory_is_the_folder_inventory(tmp_path):
    media = tmp_path / "media"
    (media / "evidence" / "ab").mkdir(parents=True)
    (media / "evidence" / "ab" / "ab12.pdf").write_bytes(b"%PDF-1.4 one")
    (media / "reports").mkdir()
    (media / "reports" / "ef34.pdf").write_bytes(b"%PDF-1.4 two")
    archive = tmp_path / "media.tar"
    subprocess.run(["tar", "-C", media, "-cf", archive, "."], check=True)

    from_tar = inventory.tar_inventory(archive)
    assert from_tar == inventory.folder_inventory(media)
    assert sorted(from_tar) == ["evidence/ab/ab12.pdf", "reports/ef34.pdf"]

    (media / "reports" / "ef34.pdf").write_bytes(b"%PDF-1.4 twO")
    assert (
        inventory.folder_inventory(media)["reports/ef34.pdf"]
        != from_tar["reports/ef34.pdf"]
    )


def test_a_damaged_archive_is_refused_before_restoring(tmp_path):
    (tmp_path / "database.dump").write_bytes(b"PGDMP dump")
    (tmp_path / "media.tar").write_bytes(b"tar")
    manifest = {
        "archives": {
            name: inventory.file_digest(tmp_path / name)
            for name in ("database.dump", "media.tar")
        }
    }
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    inventory.command_check_archives(tmp_path)

    (tmp_path / "database.dump").write_bytes(b"PGDMP dumP")
    with pytest.raises(inventory.Refused, match="database.dump is not the file"):
        inventory.command_check_archives(tmp_path)


@pytest.mark.parametrize("script", ["backup.sh", "restore.sh"])
def test_sqlite_is_refused_with_a_clear_message(tmp_path, script):
    backup = tmp_path / "backup"
    backup.mkdir()
    for name in ("manifest.json", "database.dump", "media.tar"):
        (backup / name).write_text("{}")
    env = os.environ | {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "BACKUP_DIR": str(tmp_path / "new"),
        "PY": sys.executable,
    }

    result = subprocess.run(
        [ROOT / "scripts" / script, backup],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 3
    assert "not PostgreSQL" in result.stderr
    assert not (tmp_path / "new").exists()
