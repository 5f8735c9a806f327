"""Registrations and B2B meetings (see the registrations and B2B issues)."""
