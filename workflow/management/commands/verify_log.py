"""Check the transition log's hash chain from its first entry to its latest: exits 0 when every
entry matches its hash and links to the one before, otherwise names the first broken link and exits
non-zero. See `workflow/integrity.py`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS

from workflow.integrity import verify_chain


class Command(BaseCommand):
    help = "Verify the transition log's hash chain and report the first broken link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help="The database to check (default: the default one).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain(using=options["database"])
        if report.broken is not None:
            raise CommandError(
                f"{report.broken} {report.verified} entries before it verified."
            )
        self.stdout.write(
            f"Verified {report.verified} transition log entries; the chain is intact."
        )
        if report.latest_id is not None:
            # Noted elsewhere, this also catches a rewrite of every hash or entries cut off the end.
            self.stdout.write(
                f"Latest entry #{report.latest_id}, hash {report.latest_hash}."
            )
