"""letters: mails carry stored documents as attachments; case documents name their addressees

Revision ID: 0008
Revises: 0004
Create Date: 2026-11-30 14:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("attachments", sa.JSON(), nullable=True))
    with op.batch_alter_table("complaint_document") as batch:
        batch.add_column(sa.Column("addressed_to", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("complaint_document") as batch:
        batch.drop_column("addressed_to")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("attachments")
