"""The dashboard's forms. Dates are entered and shown in UTC."""
from datetime import timezone

from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateTimeLocalField, FloatField, IntegerField, RadioField, SelectField,
                     TextAreaField)
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


class SettingsForm(FlaskForm):
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
        values = {name: field.data for name, field in self._fields.items() if name not in ("csrf_token", "attempts")}
        for name in ("available_from", "available_until"):
            values[name] = as_utc(values[name])
        values["max_attempts"] = {"one": 1, "unlimited": 0}.get(self.attempts.data, values["max_attempts"])
        return values


class AccessChangeForm(FlaskForm):
    students = TextAreaField("Students (LMS user id, username or email; one a line)", validators=[DataRequired()])
    available_until = DateTimeLocalField("Available until (UTC)", validators=[Optional()])
    extra_attempts = IntegerField("Extra attempts", default=0, validators=[Optional(), NumberRange(min=0)])
    extra_minutes = IntegerField("Extra minutes", default=0, validators=[Optional(), NumberRange(min=0)])
    reason = TextAreaField("Reason")


def as_utc(moment):
    return moment.replace(tzinfo=timezone.utc) if moment else None


def first_error(form):
    return next((f"{form[name].label.text}: {errors[0]}" for name, errors in form.errors.items()), "")
