"""kb_state.seed_hash: refresh an unedited KB when the shipped content changes

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("kb_state") as batch:
        batch.add_column(sa.Column("seed_hash", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("kb_state") as batch:
        batch.drop_column("seed_hash")
