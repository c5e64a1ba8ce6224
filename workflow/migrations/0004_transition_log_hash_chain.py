"""Chain the transition log's entries by hash, and make the table append-only on PostgreSQL.

Existing entries are hashed in id order, then `prev_hash` becomes unique. On PostgreSQL a trigger
then refuses every UPDATE and DELETE of a row, whoever sends it. TRUNCATE is not refused: the test
suite empties tables with it (and only the table's owner may run it). The owner or a superuser can
still switch the trigger off; what they change then shows up in `manage.py verify_log`.
"""

from typing import Any

from django.db import migrations, models

from workflow.integrity import GENESIS_HASH, entry_hash

TABLE = "workflow_transitionlog"
FUNCTION = "workflow_transitionlog_append_only"
TRIGGER = "workflow_transitionlog_append_only"


def hash_existing_entries(apps: Any, schema_editor: Any) -> None:
    TransitionLog = apps.get_model("workflow", "TransitionLog")
    using = schema_editor.connection.alias
    previous = GENESIS_HASH
    rows = (
        TransitionLog.objects.using(using)
        .order_by("pk")
        .values_list(
            "pk",
            "content_type__app_label",
            "content_type__model",
            "object_id",
            "transition",
            "source",
            "target",
            "by_id",
            "organisation_id",
            "at",
            "reason",
        )
    )
    for (
        pk,
        app_label,
        model,
        object_id,
        transition,
        source,
        target,
        by,
        organisation,
        at,
        reason,
    ) in rows.iterator(chunk_size=2000):
        row_hash = entry_hash(
            prev_hash=previous,
            content_type=f"{app_label}.{model}",
            object_id=object_id,
            transition=transition,
            source=source,
            target=target,
            by=by,
            organisation=organisation,
            at=at,
            reason=reason,
        )
        TransitionLog.objects.using(using).filter(pk=pk).update(
            prev_hash=previous, row_hash=row_hash
        )
        previous = row_hash


def refuse_changes_in_the_database(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"""
        CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'transition log rows are append-only: % of entry % refused',
                TG_OP, OLD.id;
        END;
        $$
        """,
        params=None,  # the % in RAISE is PL/pgSQL's, not a query placeholder
    )
    schema_editor.execute(
        f"""
        CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()
        """
    )


def allow_changes_in_the_database(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {TABLE}")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0003_due_date_change_clock"),
    ]

    operations = [
        migrations.AddField(
            model_name="transitionlog",
            name="prev_hash",
            field=models.CharField(
                default="",
                editable=False,
                max_length=64,
                verbose_name="previous entry's hash",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="transitionlog",
            name="row_hash",
            field=models.CharField(
                default="", editable=False, max_length=64, verbose_name="hash"
            ),
            preserve_default=False,
        ),
        migrations.RunPython(hash_existing_entries, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="transitionlog",
            name="prev_hash",
            field=models.CharField(
                editable=False,
                max_length=64,
                unique=True,
                verbose_name="previous entry's hash",
            ),
        ),
        migrations.RunPython(
            refuse_changes_in_the_database, allow_changes_in_the_database
        ),
    ]
