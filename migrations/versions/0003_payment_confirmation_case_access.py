"""payment confirmations by idempotency key; the log of staff access to cases

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 09:00:00
"""

import sqlalchemy as sa
from alembic import op

import engine.models

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "payment_confirmation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=150), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=False),
        sa.Column("request_sha256", sa.String(length=64), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("amount_dkk", sa.Integer(), nullable=False),
        sa.Column("provider_ref", sa.String(length=200), nullable=True),
        sa.Column("received_at", engine.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["reference"], ["complaint.reference"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("payment_confirmation") as batch:
        batch.create_index(
            "ix_payment_confirmation_key", ["provider", "idempotency_key"], unique=True
        )
    op.create_table(
        "case_access",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", engine.models.UTCDateTime(), nullable=False),
        sa.Column("username", sa.String(length=150), nullable=False),
        sa.Column("role", sa.String(length=40), nullable=False),
        sa.Column("instance_id", sa.String(length=36), nullable=True),
        sa.Column("reference", sa.String(length=20), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("case_access") as batch:
        batch.create_index("ix_case_access_at", ["at"], unique=False)
        batch.create_index("ix_case_access_reference", ["reference", "at"], unique=False)
        batch.create_index("ix_case_access_username", ["username", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("case_access") as batch:
        batch.drop_index("ix_case_access_username")
        batch.drop_index("ix_case_access_reference")
        batch.drop_index("ix_case_access_at")
    op.drop_table("case_access")
    with op.batch_alter_table("payment_confirmation") as batch:
        batch.drop_index("ix_payment_confirmation_key")
    op.drop_table("payment_confirmation")
