"""security: WeChat nonces, leased retry claims

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("wechat_nonce",
                    sa.Column("key", sa.String(length=100), nullable=False),
                    sa.Column("body_digest", sa.String(length=64), nullable=False),
                    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
                    sa.PrimaryKeyConstraint("key"))
    op.create_index("ix_wechat_nonce_expires_at", "wechat_nonce", ["expires_at"])
    with op.batch_alter_table("processed_message") as batch:
        batch.add_column(sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("claim_token", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("async_reply", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("processed_message") as batch:
        batch.drop_column("async_reply")
        batch.drop_column("claim_token")
        batch.drop_column("claimed_at")
    op.drop_index("ix_wechat_nonce_expires_at", table_name="wechat_nonce")
    op.drop_table("wechat_nonce")
