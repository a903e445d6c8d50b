"""Verifying launches: LTI 1.1 (OAuth 1.0a) and LTI 1.3 (OIDC + id_token)."""
