"""outcome score timestamps; a consumer's default send mode

Revision ID: 5c7e1f0a9b32
Revises: 8d6b79e19949
Create Date: 2026-11-29 17:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import lti_app.models.base

# revision identifiers, used by Alembic.
revision = '5c7e1f0a9b32'
down_revision = '8d6b79e19949'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('consumer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('default_report_mode', sa.String(length=20), server_default='on_completion',
                                      nullable=False))
    with op.batch_alter_table('outcome', schema=None) as batch_op:
        batch_op.add_column(sa.Column('score_timestamp', lti_app.models.base.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('consumer', schema=None) as batch_op:
        batch_op.drop_column('default_report_mode')
    with op.batch_alter_table('outcome', schema=None) as batch_op:
        batch_op.drop_column('score_timestamp')
