"""Pure helpers for the admin API (signing); the HTTP side is lti_app/blueprints/api/."""
