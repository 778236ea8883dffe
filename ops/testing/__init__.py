"""Helpers that run real Warta processes for the multi-process test and the load benchmark."""
