"""decisions registered in the UI: their type, addressee, decision document and corrections

Revision ID: 0007
Revises: 0004
Create Date: 2026-11-30 13:30:00
"""

import sqlalchemy as sa
from alembic import op

from engine.models import UTCDateTime

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("decision") as batch:
        batch.add_column(sa.Column("decision_type", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("addressee", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("document", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("updated_by", sa.String(length=150), nullable=True))
        batch.add_column(sa.Column("updated_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("decision") as batch:
        for column in ("updated_at", "updated_by", "document", "addressee", "decision_type"):
            batch.drop_column(column)
