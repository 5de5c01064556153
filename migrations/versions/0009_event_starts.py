"""event starts: timer start schedules, message/signal subscriptions, signal deliveries

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 17:00:00
"""

import sqlalchemy as sa
from alembic import op

from engine.models import UTCDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "start_timer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("definition_id", sa.Integer(), nullable=False),
        sa.Column("process_key", sa.String(length=200), nullable=False),
        sa.Column("element_id", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("expression", sa.String(length=500), nullable=False),
        sa.Column("next_due_at", UTCDateTime(), nullable=True),
        sa.Column("remaining", sa.Integer(), nullable=False),
        sa.Column("period_seconds", sa.Float(), nullable=True),
        sa.Column("started", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", UTCDateTime(), nullable=True),
        sa.Column("claimed_by", sa.String(length=200), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["definition_id"], ["process_definition.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("definition_id", "element_id", name="uq_start_timer_element"),
    )
    op.create_index("ix_start_timer_due", "start_timer", ["next_due_at"])
    op.create_table(
        "event_subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("element_id", sa.String(length=200), nullable=False),
        sa.Column("correlation", sa.String(length=1000), nullable=False),
        sa.ForeignKeyConstraint(["instance_id"], ["process_instance.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_event_subscription_lookup", "event_subscription", ["kind", "name", "correlation"]
    )
    op.create_index("ix_event_subscription_instance", "event_subscription", ["instance_id"])
    op.create_table(
        "signal_broadcast",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("sent_by", sa.String(length=200), nullable=True),
        sa.Column("sent_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "signal_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("signal_id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.String(length=36), nullable=True),
        sa.Column("definition_id", sa.Integer(), nullable=True),
        sa.Column("element_id", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("lease_until", UTCDateTime(), nullable=True),
        sa.Column("result_instance_id", sa.String(length=36), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("delivered_at", UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["signal_id"], ["signal_broadcast.id"]),
        sa.ForeignKeyConstraint(["instance_id"], ["process_instance.id"]),
        sa.ForeignKeyConstraint(["definition_id"], ["process_definition.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_signal_delivery_pending", "signal_delivery", ["status", "lease_until"])


def downgrade() -> None:
    op.drop_index("ix_signal_delivery_pending", table_name="signal_delivery")
    op.drop_table("signal_delivery")
    op.drop_table("signal_broadcast")
    op.drop_index("ix_event_subscription_instance", table_name="event_subscription")
    op.drop_index("ix_event_subscription_lookup", table_name="event_subscription")
    op.drop_table("event_subscription")
    op.drop_index("ix_start_timer_due", table_name="start_timer")
    op.drop_table("start_timer")
