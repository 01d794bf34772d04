"""wechat_access_token: one WeChat access token shared by every process (handoff/wechat_token.py)

Revision ID: 0006t
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

revision = "0006t"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wechat_access_token",
        sa.Column("appid", sa.String(64), primary_key=True),
        sa.Column("token", sa.String(600), nullable=False, server_default=""),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("wechat_access_token")
