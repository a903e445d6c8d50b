from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, ValidationError

from ...errors import UserFacingError
from ...services.consumers import admin_email


def _admin_email(form, field):
    """The same rule `flask admins create` keeps, so every address it accepts can sign in."""
    try:
        admin_email(field.data)
    except UserFacingError as error:
        raise ValidationError(error.message) from None


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), _admin_email])
    password = PasswordField("Password", validators=[DataRequired()])
