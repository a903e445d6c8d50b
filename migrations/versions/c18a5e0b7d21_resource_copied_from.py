"""resource copied from

Revision ID: c18a5e0b7d21
Revises: a92775054f8d
Create Date: 2026-11-29 16:50:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'c18a5e0b7d21'
down_revision = 'a92775054f8d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('resource', schema=None) as batch_op:
        batch_op.add_column(sa.Column('copied_from_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_resource_copied_from_id_resource'), 'resource',
                                    ['copied_from_id'], ['id'])


def downgrade():
    with op.batch_alter_table('resource', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_resource_copied_from_id_resource'), type_='foreignkey')
        batch_op.drop_column('copied_from_id')
