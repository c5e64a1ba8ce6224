#!/usr/bin/env bash
# Restore a backup made by backup.sh into the database DATABASE_URL names and into MEDIA_ROOT, then
# check both against the backup's manifest (row count and content of every table, sha256 of every
# file) and print the comparison. Exits non-zero on any difference.
#
#   DATABASE_URL=postgres://.../target scripts/restore.sh backups/20260101T020000Z
#   FORCE=1 DATABASE_URL=... scripts/restore.sh <folder>    # replace a non-empty database and media
#
# Refuses a database that has tables, or a media folder that has files, unless FORCE=1: then the
# database is dropped and created again and the media folder emptied. A missing database is created.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}

folder=${1:-${BACKUP:-}}
if [ -z "$folder" ]; then
  echo "Usage: make restore BACKUP=<backup folder> DATABASE_URL=postgres://... [FORCE=1]" >&2
  exit 2
fi
for name in manifest.json database.dump media.tar; do
  [ -f "$folder/$name" ] || { echo "Refused: $folder/$name is missing; is $folder a backup?" >&2; exit 3; }
done

settings=$("$PY" scripts/inventory.py env)
eval "$settings"
if [ "$DB_VENDOR" != postgresql ]; then
  echo "Refused: the target database is $DB_VENDOR${DB_NAME:+ ($DB_NAME)}, not PostgreSQL. Set DATABASE_URL=postgres://..." >&2
  exit 3
fi

"$PY" scripts/inventory.py check-archives "$folder"

# Decide everything before changing anything.
force=${FORCE:-0}
db_state=$("$PY" scripts/inventory.py db-state)
media_files=$(find "$MEDIA_ROOT" -mindepth 1 -print -quit 2>/dev/null || true)
if [ "$force" != 1 ]; then
  if [ "$db_state" != missing ] && [ "$db_state" != empty ]; then
    echo "Refused: database $PGDATABASE is not empty (${db_state#tables:} tables). FORCE=1 drops and recreates it." >&2
    exit 3
  fi
  if [ -n "$media_files" ]; then
    echo "Refused: MEDIA_ROOT $MEDIA_ROOT is not empty. FORCE=1 empties it first." >&2
    exit 3
  fi
fi

if [ "$db_state" != missing ] && [ "$db_state" != empty ]; then
  echo "FORCE=1: dropping database $PGDATABASE ($db_state)."
  "$PG_BIN/dropdb" --force --maintenance-db=postgres "$PGDATABASE"
  db_state=missing
fi
if [ "$db_state" = missing ]; then
  "$PG_BIN/createdb" --maintenance-db=postgres "$PGDATABASE"
  echo "Created database $PGDATABASE."
fi
# One transaction: a failed restore leaves the database as empty as it was.
"$PG_BIN/pg_restore" --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname="$PGDATABASE" "$folder/database.dump"
echo "Restored $folder/database.dump into $PGDATABASE."

if [ -n "$media_files" ]; then
  echo "FORCE=1: emptying $MEDIA_ROOT."
  find "$MEDIA_ROOT" -mindepth 1 -delete
fi
mkdir -p "$MEDIA_ROOT"
tar -C "$MEDIA_ROOT" --no-same-owner -xf "$folder/media.tar"
echo "Unpacked $folder/media.tar into $MEDIA_ROOT."
echo

"$PY" scripts/inventory.py verify "$folder"

if ! "$PY" manage.py migrate --check >/dev/null 2>&1; then
  echo "Note: the code has migrations this backup predates; run manage.py migrate before serving."
fi
