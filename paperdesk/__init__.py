"""Paperdesk: run a research venue's call for papers."""
