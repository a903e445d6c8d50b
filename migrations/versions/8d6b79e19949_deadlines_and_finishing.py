"""deadlines and finishing: late batches, how an attempt ended, a package that never started

Revision ID: 8d6b79e19949
Revises: 8ce87f64bded
Create Date: 2026-11-29 16:34:05.947437

"""
from alembic import op
import sqlalchemy as sa

import lti_app.models.base


# revision identifiers, used by Alembic.
revision = '8d6b79e19949'
down_revision = '8ce87f64bded'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('end_reason', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('finish_sequence', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('package_not_started_at', lti_app.models.base.UTCDateTime(), nullable=True))
        batch_op.create_index('ix_attempt_status', ['status'], unique=False)

    with op.batch_alter_table('commit_batch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('late', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('commit_batch', schema=None) as batch_op:
        batch_op.drop_column('late')

    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_index('ix_attempt_status')
        batch_op.drop_column('package_not_started_at')
        batch_op.drop_column('finish_sequence')
        batch_op.drop_column('end_reason')
