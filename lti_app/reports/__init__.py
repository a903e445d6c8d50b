"""Pure report and statistics helpers: rows, figures and SVG chart geometry. No database, no Flask."""
