"""LTI 1.3: the registration and AGS scopes of a launch, the Names and Roles URL of a context

Revision ID: 26bb0e6ce7a3
Revises: d618a860bc59
Create Date: 2026-11-23 14:01:24.175623

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '26bb0e6ce7a3'
down_revision = 'd618a860bc59'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('context', schema=None) as batch_op:
        batch_op.add_column(sa.Column('memberships_url', sa.String(length=500), nullable=True))

    with op.batch_alter_table('launch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registration_id', sa.Integer(), nullable=True))
        # Existing launches get an empty list, then the column has no server default, as the model says.
        batch_op.add_column(sa.Column('ags_scopes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'),
                                      nullable=False, server_default='[]'))
        batch_op.create_foreign_key(batch_op.f('fk_launch_registration_id_lti13_registration'), 'lti13_registration', ['registration_id'], ['id'])

    with op.batch_alter_table('launch', schema=None) as batch_op:
        batch_op.alter_column('ags_scopes', server_default=None)


def downgrade():
    with op.batch_alter_table('launch', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_launch_registration_id_lti13_registration'), type_='foreignkey')
        batch_op.drop_column('ags_scopes')
        batch_op.drop_column('registration_id')

    with op.batch_alter_table('context', schema=None) as batch_op:
        batch_op.drop_column('memberships_url')
