"""RQ entry points: thin wrappers that call the services inside an app context."""
