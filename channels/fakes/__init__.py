"""Fake platform servers (Facebook, Instagram, X, WordPress) on localhost, for tests and trials.

They enforce the contracts in platforms.md (required parameters, limits, error bodies,
rate-limit headers, container states), record what they received, and inject faults on demand.
"""

from channels.fakes.server import FakePlatforms, Fault

__all__ = ["FakePlatforms", "Fault"]
