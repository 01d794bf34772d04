"""appointment: contact_name and contact_phone (booking in the chat without an application)

Revision ID: 0006_booking_contact
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

revision = "0006_booking_contact"
down_revision = "0006t"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("appointment") as batch:
        batch.add_column(sa.Column("contact_name", sa.String(64), nullable=True))
        batch.add_column(sa.Column("contact_phone", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("appointment") as batch:
        batch.drop_column("contact_phone")
        batch.drop_column("contact_name")
