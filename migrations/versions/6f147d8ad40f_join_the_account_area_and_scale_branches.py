"""Join the account, area and scale branches

Revision ID: 6f147d8ad40f
Revises: 3a1c5e9f0b21, 7c2d4e6f8a10, bb28ac9f5d07
Create Date: 2026-11-28 21:08:17.908134

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6f147d8ad40f'
down_revision = ('3a1c5e9f0b21', '7c2d4e6f8a10', 'bb28ac9f5d07')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
