"""Indexes the report queries need on other apps' tables (plain SQL that SQLite and PostgreSQL
both accept, so the newsroom and channels models stay as they are)."""

from django.db import migrations

INDEXES = [
    # Acts finished in a period, per step/action (dashboard, monthly report, monitoring).
    ("reports_steprun_finished", "newsroom_steprun (finished_at, step, action)", ""),
    # Posted items in a period (lead time).
    ("reports_steprun_action_finished", "newsroom_steprun (action, finished_at)", ""),
    # Open acts past their standard (overdue now).
    (
        "reports_steprun_open_started",
        "newsroom_steprun (started_at)",
        " WHERE finished_at IS NULL",
    ),
    # Publications created in a period (per channel).
    ("reports_publication_created", "channels_publication (created_at)", ""),
]


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("newsroom", "0003_return_reasons_and_durations"),
        ("channels", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON {target}{where}",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, target, where in INDEXES
    ]
