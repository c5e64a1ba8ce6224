"""What the three workflows share: the append-only transition log, one-off holidays, due-date changes."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflow import clock, integrity


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete a row of an append-only record."""


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError(f"{self.model.__name__} rows cannot be changed")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{self.model.__name__} rows cannot be deleted")

    def for_object(self, obj: models.Model) -> AppendOnlyQuerySet:
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        )


class AppendOnlyModel(models.Model):
    """A record that can be written once and read for ever: no update, no delete, in the app or admin."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"{type(self).__name__} rows cannot be deleted")


class TransitionLog(AppendOnlyModel):
    """One state change of a workflow object: who (and for which organisation), when, from, to, why.

    Append-only in the database on PostgreSQL (a trigger refuses UPDATE and DELETE) and
    tamper-evident everywhere: each entry's hash covers the previous entry's hash."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    transition = models.CharField(_("action"), max_length=64)
    source = models.CharField(_("from"), max_length=32)
    target = models.CharField(_("to"), max_length=32)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    at = models.DateTimeField(_("when"), db_index=True)
    reason = models.TextField(_("why"), blank=True)
    # Unique, so two writers can never chain from the same entry (see workflow/integrity.py).
    prev_hash = models.CharField(
        _("previous entry's hash"), max_length=64, unique=True, editable=False
    )
    row_hash = models.CharField(_("hash"), max_length=64, editable=False)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            models.Index(
                fields=["content_type", "object_id"], name="transitionlog_subject"
            )
        ]
        verbose_name = _("transition log entry")
        verbose_name_plural = _("transition log")

    def __str__(self) -> str:
        return f"{self.transition}: {self.source} → {self.target} by {self.by} at {self.at:%Y-%m-%d %H:%M}"

    @classmethod
    def record(
        cls,
        obj: models.Model,
        transition: str,
        source: str,
        target: str,
        *,
        by: Any,
        reason: str,
        at: Any,
    ) -> TransitionLog:
        """Append an entry chained to the latest one. Runs in the caller's transaction (or its
        own), holding the chain lock until that transaction ends."""
        using = router.db_for_write(cls)
        entry = cls(
            content_type=ContentType.objects.db_manager(using).get_for_model(obj),
            object_id=obj.pk,
            transition=transition,
            source=source,
            target=target,
            by=by,
            organisation_id=by.organisation_id,
            at=at,
            reason=str(reason),
        )
        with transaction.atomic(using=using, savepoint=False):
            integrity.lock_chain(using)
            entry.prev_hash = (
                cls.objects.using(using)
                .order_by("-pk")
                .values_list("row_hash", flat=True)
                .first()
                or integrity.GENESIS_HASH
            )
            entry.row_hash = entry.compute_hash()
            entry.save(using=using)
        return entry

    def compute_hash(self) -> str:
        content_type = ContentType.objects.db_manager(self._state.db).get_for_id(
            self.content_type_id
        )
        return integrity.entry_hash(
            prev_hash=self.prev_hash,
            content_type=f"{content_type.app_label}.{content_type.model}",
            object_id=self.object_id,
            transition=self.transition,
            source=self.source,
            target=self.target,
            by=self.by_id,
            organisation=self.organisation_id,
            at=self.at,
            reason=self.reason,
        )


class ExtraHoliday(models.Model):
    """A one-off bank holiday proclaimed beyond the usual list (as for the State Funeral in 2022).

    Added by an administrator; adding or removing one recomputes the due dates of open items."""

    day = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    created_at = models.DateTimeField(_("added at"), default=timezone.now)

    class Meta:
        ordering = ["day"]
        verbose_name = _("one-off bank holiday")
        verbose_name_plural = _("one-off bank holidays")

    def __str__(self) -> str:
        return f"{self.name} ({self.day:%d %B %Y})"


class DueDateChange(AppendOnlyModel):
    """A due date that moved after it was set, with the old and new dates and why (e.g. a new holiday)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    deadline = models.CharField(_("deadline"), max_length=64)
    old_date = models.DateField(_("old date"))
    new_date = models.DateField(_("new date"))
    reason = models.TextField(_("why"))
    at = models.DateTimeField(_("when"), default=clock.now)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            models.Index(
                fields=["content_type", "object_id"], name="duedatechange_subject"
            )
        ]
        verbose_name = _("due date change")
        verbose_name_plural = _("due date changes")

    def __str__(self) -> str:
        return f"{self.deadline}: {self.old_date} → {self.new_date}"


class SentReminder(models.Model):
    """One deadline reminder that has been e-mailed, so a scheduler may run the reminder command as
    often as it likes and each reminder still goes once. The key names the object, the deadline, the
    date it fell due and whether the reminder was "near" or "past"."""

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(_("deadline"), max_length=64)
    due_on = models.DateField(_("due"))
    recipients = models.TextField(_("sent to"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "pk"]
        verbose_name = _("sent reminder")

    def __str__(self) -> str:
        return self.key
