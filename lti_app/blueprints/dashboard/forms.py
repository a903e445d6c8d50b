"""The dashboard's forms. Dates are typed in the viewer's time zone, which the page's script puts in the
form's `timezone` field (static/js/local-times.js); without it they are UTC, as the labels then say."""
from datetime import timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateTimeLocalField, FloatField, HiddenField, IntegerField, RadioField,
                     SelectField, TextAreaField, ValidationError)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from ...models.courses import GRADING_METHODS, REPORT_MODES
from ...services.remarking import DISCOUNT_MODES
from ...services.reports import KIND_LABELS

REPORT_MODE_LABELS = {"immediately": "At once, from the start", "on_completion": "When an attempt is completed",
                      "on_close": "When the resource closes", "manually": "Only when I send them"}
ATTEMPT_CHOICES = {"one": "One attempt", "limited": "A set number", "unlimited": "No limit"}
GRADING_LABELS = {"highest": "Highest attempt", "last": "Last attempt", "first": "First attempt"}


class RemarkForm(FlaskForm):
    item = SelectField("Question or part", validators=[DataRequired()])
    score = FloatField("New score", validators=[InputRequired(), NumberRange(min=0)])
    reason = TextAreaField("Reason", validators=[DataRequired()])


class DiscountForm(FlaskForm):
    item = SelectField("Question or part", validators=[DataRequired()])
    mode = SelectField("Discount", choices=DISCOUNT_MODES)


class ReportRequestForm(FlaskForm):
    kind = SelectField("Report", choices=[SelectChoice(kind, label) for kind, label in KIND_LABELS.items()])


class ViewerTimesForm(FlaskForm):
    """A form with dates: `utc(field)` is the field's date in UTC, whatever zone it was typed in."""
    timezone = HiddenField()

    def validate_timezone(self, field):
        if field.data and zone(field.data) is None:
            raise ValidationError(f"unknown time zone {field.data!r}")

    def utc(self, field):
        return in_zone(field.data, self.timezone.data)


class SettingsForm(ViewerTimesForm):
    report_mode = SelectField("Send scores to the LMS", choices={m: REPORT_MODE_LABELS[m] for m in REPORT_MODES},
                              description="“At once” sends 0 as soon as a student starts, then every new score.")
    grading_method = SelectField("Score kept", choices={m: GRADING_LABELS[m] for m in GRADING_METHODS})
    available_from = DateTimeLocalField("Available from (UTC)", validators=[Optional()])
    available_until = DateTimeLocalField("Available until (UTC)", validators=[Optional()])
    attempts = RadioField("Attempts each student may make", choices=ATTEMPT_CHOICES, validators=[InputRequired()])
    max_attempts = IntegerField("Number of attempts", validators=[Optional()], description="Used with “A set number”.")
    time_limit_minutes = IntegerField("Time limit in minutes (0: none)",
                                      validators=[InputRequired(), NumberRange(min=0)])
    allow_student_review = BooleanField("Students may review their finished attempts")

    def __init__(self, *args, obj=None, **kwargs):
        super().__init__(*args, obj=obj, **kwargs)
        if obj is not None and not self.is_submitted():
            self.attempts.data = {0: "unlimited", 1: "one"}.get(obj.max_attempts, "limited")
            self.max_attempts.data = obj.max_attempts if self.attempts.data == "limited" else None

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.attempts.data == "limited" and not (self.max_attempts.data and self.max_attempts.data >= 1):
            self.max_attempts.errors = [*self.max_attempts.errors, "Say how many attempts each student may make."]
            return False
        return valid

    def settings(self):
        values = {name: field.data for name, field in self._fields.items()
                  if name not in ("csrf_token", "timezone", "attempts")}
        values["max_attempts"] = {"one": 1, "unlimited": 0}.get(self.attempts.data, values["max_attempts"])
        return values | {"available_from": self.utc(self.available_from),
                         "available_until": self.utc(self.available_until)}


class AccessChangeForm(ViewerTimesForm):
    students = TextAreaField("Students (LMS user id, username or email; one a line)", validators=[DataRequired()])
    available_until = DateTimeLocalField("Available until (UTC)", validators=[Optional()])
    extra_attempts = IntegerField("Extra attempts", default=0, validators=[Optional(), NumberRange(min=0)])
    extra_minutes = IntegerField("Extra minutes", default=0, validators=[Optional(), NumberRange(min=0)])
    reason = TextAreaField("Reason")


def zone(name):
    """The IANA time zone called `name` (UTC when none is named), or None when there is no such zone."""
    try:
        return ZoneInfo(name) if name else timezone.utc
    except (ZoneInfoNotFoundError, ValueError):
        return None


def in_zone(moment, zone_name):
    """A date typed without a zone, read in the zone `zone_name` names, as UTC."""
    return moment.replace(tzinfo=zone(zone_name) or timezone.utc).astimezone(timezone.utc) if moment else None


def first_error(form):
    return next((f"{form[name].label.text}: {errors[0]}" for name, errors in form.errors.items()), "")
