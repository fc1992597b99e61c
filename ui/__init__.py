"""Shared Qt widgets and helpers (theme, i18n, big code label, countdown). Qt only: no networking."""
