"""steps in progress are recorded before they run: attempts and a lease per instance

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 14:00:00
"""

import sqlalchemy as sa
from alembic import op

from engine.models import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "step_attempt",
        sa.Column("instance_id", sa.String(length=36), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("lease_until", UTCDateTime(), nullable=False),
        sa.Column("claimed_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["instance_id"], ["process_instance.id"]),
        sa.PrimaryKeyConstraint("instance_id"),
    )
    op.create_index("ix_step_attempt_lease", "step_attempt", ["lease_until"])


def downgrade() -> None:
    op.drop_index("ix_step_attempt_lease", table_name="step_attempt")
    op.drop_table("step_attempt")
