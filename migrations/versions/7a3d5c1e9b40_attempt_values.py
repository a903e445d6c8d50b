"""an attempt's current values as rows (attempt_value) instead of one JSON document

Revision ID: 7a3d5c1e9b40
Revises: 5e1c0a7b9d21
Create Date: 2026-11-29 23:30:00.000000

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '7a3d5c1e9b40'
down_revision = '5e1c0a7b9d21'
branch_labels = None
depends_on = None

DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade():
    op.create_table(
        'attempt_value',
        sa.Column('attempt_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=255), nullable=False),
        sa.Column('value', sa.Text(), nullable=False),
        sa.Column('sequence', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['attempt_id'], ['attempt.id'], ),
        sa.PrimaryKeyConstraint('attempt_id', 'key'),
    )
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state_chars', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('state_is_scorm12', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('state_ids_plain', sa.Boolean(), nullable=True))  # the next save works it out
    if op.get_bind().dialect.name == 'postgresql':
        each = ("FROM attempt a CROSS JOIN LATERAL jsonb_each_text(a.state) s "
                "LEFT JOIN LATERAL jsonb_each_text(a.state_times) t ON t.key = s.key")
    else:
        each = "FROM attempt a JOIN json_each(a.state) s LEFT JOIN json_each(a.state_times) t ON t.key = s.key"
    op.execute("INSERT INTO attempt_value (attempt_id, key, value, sequence) "
               f"SELECT a.id, s.key, s.value, COALESCE(CAST(t.value AS INTEGER), -1) {each}")
    op.execute("UPDATE attempt SET "
               "state_chars = (SELECT COALESCE(SUM(LENGTH(v.key) + LENGTH(v.value)), 0) FROM attempt_value v "
               "WHERE v.attempt_id = attempt.id), "
               "state_is_scorm12 = EXISTS (SELECT 1 FROM attempt_value v WHERE v.attempt_id = attempt.id "
               "AND substr(v.key, 1, 9) = 'cmi.core.')")
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.alter_column('state_chars', server_default=None)
        batch_op.alter_column('state_is_scorm12', server_default=None)
        batch_op.drop_column('state_times')
        batch_op.drop_column('state')


def downgrade():
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state', DOCUMENT, nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('state_times', DOCUMENT, nullable=False, server_default='{}'))
    document = "jsonb_object_agg" if op.get_bind().dialect.name == 'postgresql' else "json_group_object"
    each = "FROM attempt_value v WHERE v.attempt_id = attempt.id"
    op.execute(f"UPDATE attempt SET state = (SELECT {document}(v.key, v.value) {each}), "
               f"state_times = (SELECT {document}(v.key, v.sequence) {each}) WHERE EXISTS (SELECT 1 {each})")
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.alter_column('state', server_default=None)
        batch_op.alter_column('state_times', server_default=None)
        batch_op.drop_column('state_is_scorm12')
        batch_op.drop_column('state_ids_plain')
        batch_op.drop_column('state_chars')
    op.drop_table('attempt_value')
