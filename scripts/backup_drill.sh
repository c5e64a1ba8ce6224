#!/usr/bin/env bash
# The backup drill CI runs: prove that a backup restores to exactly what was backed up.
#
#   1. a throwaway source database (sc_drill_src_<pid>) on the local PostgreSQL, migrated and filled
#      by seed_demo through the real services, evidence files and report PDFs included
#   2. scripts/backup.sh
#   3. scripts/restore.sh into a fresh database (sc_drill_dst_<pid>) and a fresh media folder; it
#      checks the restore against the backup's manifest
#   4. an independent comparison of the live source and the live restore: every table's row count
#      and content checksum, every file's sha256, printed; non-zero exit on any difference
#
# Both databases and every folder are removed on exit, whatever happens.
#   scripts/backup_drill.sh                  # DRILL_SERVER=postgres://postgres@127.0.0.1:5432
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
server=${DRILL_SERVER:-postgres://postgres@127.0.0.1:5432}
started=$(date +%s%N)

src=sc_drill_src_$$
dst=sc_drill_dst_$$
# The client tools matching the server's version (this stops here if the server is unreachable).
settings=$(DATABASE_URL="$server/$src" "$PY" scripts/inventory.py env)
pg_bin=$(eval "$settings"; echo "$PG_BIN")
work=$(mktemp -d -t sc-backup-drill.XXXXXX)

since_start() {
  local ms=$(( ($(date +%s%N) - started) / 1000000 ))
  printf '%d.%03d s' $((ms / 1000)) $((ms % 1000))
}

cleanup() {
  for db in "$src" "$dst"; do
    "$pg_bin/dropdb" --maintenance-db="$server/postgres" --if-exists --force "$db" || true
  done
  rm -rf -- "$work"
}
trap cleanup EXIT

echo "=== source: $src, media in $work/media-source ==="
"$pg_bin/createdb" --maintenance-db="$server/postgres" "$src"
source_env=(DATABASE_URL="$server/$src" MEDIA_ROOT="$work/media-source" DEBUG=true LOG_LEVEL=WARNING)
env "${source_env[@]}" "$PY" manage.py migrate --no-input --verbosity 0
env "${source_env[@]}" "$PY" manage.py seed_demo
if [ -z "$(find "$work/media-source" -type f -print -quit 2>/dev/null)" ]; then
  echo "Backup drill: seed_demo wrote no media files, so no file hash would be compared." >&2
  exit 1
fi

echo
echo "=== backup (at $(since_start)) ==="
env "${source_env[@]}" BACKUP_DIR="$work/backup" scripts/backup.sh

echo
echo "=== restore into $dst, media into $work/media-restored (at $(since_start)) ==="
restored_env=(DATABASE_URL="$server/$dst" MEDIA_ROOT="$work/media-restored" DEBUG=true LOG_LEVEL=WARNING)
env "${restored_env[@]}" scripts/restore.sh "$work/backup"

echo
echo "=== source against restore, both live (at $(since_start)) ==="
env "${source_env[@]}" "$PY" scripts/inventory.py snapshot "$work/source.json"
env "${restored_env[@]}" "$PY" scripts/inventory.py snapshot "$work/restored.json"
status=0
"$PY" scripts/inventory.py compare "$work/source.json" "$work/restored.json" \
  source restored "Backup drill" || status=$?
echo "Backup drill took $(since_start)."
exit "$status"
