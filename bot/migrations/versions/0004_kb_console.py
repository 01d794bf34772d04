"""knowledge-base console: versions, revisions, drafts, lexicon in the DB, triage, service feedback

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("kb_state") as batch:
        batch.add_column(sa.Column("lexicon_rev", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("offtopic_rev", sa.Integer(), nullable=True))
    with op.batch_alter_table("unanswered_question") as batch:
        batch.add_column(sa.Column("status", sa.String(length=16), nullable=False, server_default="open"))
        batch.add_column(sa.Column("resolved_faq_id", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("resolved_by", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index("ix_unanswered_question_status", ["status"], unique=False)
    op.create_table(
        "kb_revision",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "key", "digest", name="uq_kb_revision_content"),
    )
    op.create_table(
        "kb_version",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("message", sa.String(length=500), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("restored_from", sa.Integer(), nullable=True),
        sa.Column("manifest", sa.JSON(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("accuracy", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("version"),
    )
    op.create_table(
        "kb_draft",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=8), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("base_digest", sa.String(length=64), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind", "key"),
    )
    op.create_table(
        "service_feedback",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.String(length=128), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("faq_id", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("handled_by", sa.String(length=64), nullable=True),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("service_feedback") as batch:
        batch.create_index("ix_service_feedback_user_id", ["user_id"], unique=False)
        batch.create_index("ix_service_feedback_status", ["status"], unique=False)
        batch.create_index("ix_service_feedback_created_at", ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_table("service_feedback")
    op.drop_table("kb_draft")
    op.drop_table("kb_version")
    op.drop_table("kb_revision")
    with op.batch_alter_table("unanswered_question") as batch:
        batch.drop_index("ix_unanswered_question_status")
        batch.drop_column("resolved_at")
        batch.drop_column("resolved_by")
        batch.drop_column("resolved_faq_id")
        batch.drop_column("status")
    with op.batch_alter_table("kb_state") as batch:
        batch.drop_column("offtopic_rev")
        batch.drop_column("lexicon_rev")
