"""processed_message.inbound: the message a retry answered `success` for while a live
delivery held it (encrypted), so it can still be answered if that delivery dies

Revision ID: 0007_orphan_inbound
Revises: 0006_booking_contact
"""
from alembic import op
import sqlalchemy as sa

revision = "0007_orphan_inbound"
down_revision = "0006_booking_contact"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("processed_message") as batch:
        batch.add_column(sa.Column("inbound", sa.Text(), nullable=True))
    op.create_index("ix_processed_message_waiting", "processed_message", ["claimed_at"],
                    sqlite_where=sa.text("inbound IS NOT NULL"), postgresql_where=sa.text("inbound IS NOT NULL"))


def downgrade() -> None:
    op.drop_index("ix_processed_message_waiting", table_name="processed_message")
    with op.batch_alter_table("processed_message") as batch:
        batch.drop_column("inbound")
