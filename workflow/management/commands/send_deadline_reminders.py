"""E-mail reminders of deadlines that are near or past: run it from the scheduler as often as you
like (daily is enough); each reminder goes once. See `workflow/reminders.py`."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.formats import date_format

from workflow import clock, deadlines
from workflow.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "E-mail reminders of deadlines due within --days days or already past, each once "
        "(idempotent: safe to run repeatedly)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=7,
            help="How many days ahead a deadline counts as near (default 7).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print what would be sent; send nothing and record nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        days = options["days"]
        if days < 0:
            raise CommandError("--days cannot be negative")
        dry_run = options["dry_run"]
        today = deadlines.local_date(clock.now())
        summary = send_reminders(today=today, days=days, dry_run=dry_run)

        if dry_run or options["verbosity"] > 1:
            for line in summary.lines:
                self.stdout.write(line)
        elif summary.failed:
            for line in summary.lines:
                if line.startswith("Failed"):
                    self.stderr.write(line)
        counts = (
            f"{summary.emails} e-mails covering {summary.deadlines} deadlines; "
            f"{summary.already_sent} already sent; {summary.no_address} without an "
            f"address; {summary.failed} e-mails failed."
        )
        day = date_format(today, "j F Y")
        if dry_run:
            self.stdout.write(f"Dry run for {day} (nothing sent): would send {counts}")
        else:
            self.stdout.write(f"Deadline reminders for {day}: sent {counts}")
        if summary.failed:
            raise CommandError(
                f"{summary.failed} reminder e-mails could not be sent; the next run retries them."
            )
