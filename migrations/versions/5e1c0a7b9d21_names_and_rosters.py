"""question names, the LTI 1.1 memberships service of a context

Revision ID: 5e1c0a7b9d21
Revises: 5c7e1f0a9b32
Create Date: 2026-11-29 16:45:00.000000

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '5e1c0a7b9d21'
down_revision = "5c7e1f0a9b32"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('question_score', schema=None) as batch_op:
        batch_op.add_column(sa.Column('label', sa.String(length=300), nullable=True))
    with op.batch_alter_table('context', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lis_memberships_url', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('lis_memberships_id', sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table('context', schema=None) as batch_op:
        batch_op.drop_column('lis_memberships_id')
        batch_op.drop_column('lis_memberships_url')
    with op.batch_alter_table('question_score', schema=None) as batch_op:
        batch_op.drop_column('label')
