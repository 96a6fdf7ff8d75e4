"""Samen: het platform voor Samen Organiseren."""

__version__ = "0.1.0"
