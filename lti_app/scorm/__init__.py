"""Pure SCORM helpers: package validation, manifest parsing, CMI data to results.

No Flask and no database here; services call these functions.
"""
