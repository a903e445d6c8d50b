"""remark jobs

Revision ID: a92775054f8d
Revises: 26bb0e6ce7a3
Create Date: 2026-11-23 14:02:19.941513

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

import lti_app.models.base

# revision identifiers, used by Alembic.
revision = 'a92775054f8d'
down_revision = '26bb0e6ce7a3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('remark_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('resource_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('changed', sa.Integer(), nullable=False),
    sa.Column('failures', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('requested_by', sa.String(length=300), nullable=False),
    sa.Column('created_at', lti_app.models.base.UTCDateTime(), nullable=False),
    sa.Column('finished_at', lti_app.models.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['resource_id'], ['resource.id'], name=op.f('fk_remark_job_resource_id_resource')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_remark_job'))
    )
    with op.batch_alter_table('remark_job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_remark_job_resource_id'), ['resource_id'], unique=False)



def downgrade():
    with op.batch_alter_table('remark_job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_remark_job_resource_id'))

    op.drop_table('remark_job')
