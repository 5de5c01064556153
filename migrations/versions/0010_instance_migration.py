"""instance migration: the version history of instances moved to another version

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 17:00:00
"""

import sqlalchemy as sa
from alembic import op

from engine.models import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "instance_migration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.String(length=36), nullable=False),
        sa.Column("from_definition_id", sa.Integer(), nullable=False),
        sa.Column("to_definition_id", sa.Integer(), nullable=False),
        sa.Column("from_version", sa.Integer(), nullable=False),
        sa.Column("to_version", sa.Integer(), nullable=False),
        sa.Column("migrated_at", UTCDateTime(), nullable=False),
        sa.Column("migrated_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["instance_id"], ["process_instance.id"]),
        sa.ForeignKeyConstraint(["from_definition_id"], ["process_definition.id"]),
        sa.ForeignKeyConstraint(["to_definition_id"], ["process_definition.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_instance_migration_instance", "instance_migration", ["instance_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_instance_migration_instance", table_name="instance_migration")
    op.drop_table("instance_migration")
