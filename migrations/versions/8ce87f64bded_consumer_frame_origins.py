"""consumer frame origins

Revision ID: 8ce87f64bded
Revises: c18a5e0b7d21
Create Date: 2026-11-29 16:51:22.804577

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '8ce87f64bded'
down_revision = 'c18a5e0b7d21'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('consumer', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'frame_origins', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'),
            nullable=True))


def downgrade():
    with op.batch_alter_table('consumer', schema=None) as batch_op:
        batch_op.drop_column('frame_origins')
