#!/usr/bin/env bash
# Back up the PostgreSQL database and the media files into one folder:
#   database.dump  pg_dump --format=custom --no-owner --no-privileges
#   media.tar      MEDIA_ROOT, relative paths
#   manifest.json  row count and checksum of every table, size and sha256 of every file,
#                  the pg_dump version, the last migration of each app, the time (UTC)
#
#   DATABASE_URL=postgres://... scripts/backup.sh            # into backups/<UTC time>/
#   BACKUP_DIR=/somewhere/new DATABASE_URL=... scripts/backup.sh
#
# The database and MEDIA_ROOT are the ones config/settings.py computes from the environment.
# restore.sh puts a backup back and checks it against the manifest.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}

settings=$("$PY" scripts/inventory.py env)
eval "$settings"
if [ "$DB_VENDOR" != postgresql ]; then
  echo "Refused: the database is $DB_VENDOR${DB_NAME:+ ($DB_NAME)}, not PostgreSQL. Set DATABASE_URL=postgres://..." >&2
  if [ "$DB_VENDOR" = sqlite ]; then
    echo "For the SQLite demo database, stop the server and copy it with the media folder:" >&2
    echo "  sqlite3 $DB_NAME \".backup 'db-copy.sqlite3'\" && tar -C $MEDIA_ROOT -cf media.tar ." >&2
  fi
  exit 3
fi

folder=${BACKUP_DIR:-backups/$(date -u +%Y%m%dT%H%M%SZ)}
if [ -e "$folder" ] && [ -n "$(ls -A "$folder")" ]; then
  echo "Refused: $folder already exists and is not empty." >&2
  exit 3
fi
mkdir -p "$folder"
# A half-written backup must not pass for a whole one.
trap 'status=$?; [ $status = 0 ] || { rm -rf -- "$folder"; echo "Backup failed; $folder removed." >&2; }' EXIT
"$PY" scripts/inventory.py backup "$folder"
