"""security: WeChat nonces, leased retry claims, encrypted ID numbers and phones with
blind indexes, revocable console sessions

Existing application rows are encrypted here with the current data key
(ground/field_crypto.py: FAYUAN_DATA_KEYS, or var/data_keys.json on a laptop).

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _applications(conn):
    return conn.execute(sa.text("SELECT id, id_number, phone FROM application "
                                "WHERE id_number IS NOT NULL OR phone IS NOT NULL")).fetchall()


def _encrypt_existing() -> None:
    from ground.field_crypto import cipher, looks_encrypted

    c = cipher()
    conn = op.get_bind()
    for row in _applications(conn):
        values = {"id": row.id, "idn": row.id_number, "ph": row.phone, "idx": None, "phx": None}
        if row.id_number and not looks_encrypted(row.id_number):
            values["idn"], values["idx"] = c.encrypt(row.id_number), c.blind_index("id_number", row.id_number)
        elif row.id_number:
            values["idx"] = c.blind_index("id_number", c.decrypt(row.id_number))
        if row.phone and not looks_encrypted(row.phone):
            values["ph"], values["phx"] = c.encrypt(row.phone), c.blind_index("phone", row.phone)
        elif row.phone:
            values["phx"] = c.blind_index("phone", c.decrypt(row.phone))
        conn.execute(sa.text("UPDATE application SET id_number = :idn, phone = :ph, id_number_index = :idx, "
                             "phone_index = :phx WHERE id = :id"), values)


def _decrypt_existing() -> None:
    from ground.field_crypto import cipher, looks_encrypted

    c = cipher()
    conn = op.get_bind()
    for row in _applications(conn):
        idn = c.decrypt(row.id_number) if row.id_number and looks_encrypted(row.id_number) else row.id_number
        ph = c.decrypt(row.phone) if row.phone and looks_encrypted(row.phone) else row.phone
        conn.execute(sa.text("UPDATE application SET id_number = :idn, phone = :ph WHERE id = :id"),
                     {"id": row.id, "idn": idn, "ph": ph})


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
    with op.batch_alter_table("application") as batch:
        batch.alter_column("id_number", type_=sa.Text(), existing_nullable=True)
        batch.alter_column("phone", type_=sa.Text(), existing_nullable=True)
        batch.add_column(sa.Column("id_number_index", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("phone_index", sa.String(length=64), nullable=True))
        batch.create_index("ix_application_id_number_index", ["id_number_index"])
        batch.create_index("ix_application_phone_index", ["phone_index"])
    _encrypt_existing()
    with op.batch_alter_table("console_user") as batch:
        batch.add_column(sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("console_user") as batch:
        batch.drop_column("session_generation")
    _decrypt_existing()
    with op.batch_alter_table("application") as batch:
        batch.drop_index("ix_application_phone_index")
        batch.drop_index("ix_application_id_number_index")
        batch.drop_column("phone_index")
        batch.drop_column("id_number_index")
        batch.alter_column("phone", type_=sa.String(length=11), existing_nullable=True)
        batch.alter_column("id_number", type_=sa.String(length=18), existing_nullable=True)
    with op.batch_alter_table("processed_message") as batch:
        batch.drop_column("async_reply")
        batch.drop_column("claim_token")
        batch.drop_column("claimed_at")
    op.drop_index("ix_wechat_nonce_expires_at", table_name="wechat_nonce")
    op.drop_table("wechat_nonce")
