"""The product's verbs. Nothing here reads Flask's request."""
