"""Eke: the offline Maternal and Child Health Handbook for township and village health workers."""

__version__ = "0.1.0"
