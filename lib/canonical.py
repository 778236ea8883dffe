"""Canonical serialisation and hashing: one byte form for the same content, forever."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(value: Any) -> bytes:
    """UTF-8 JSON with sorted keys and no insignificant white space."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def sha256_of(value: Any) -> str:
    return hashlib.sha256(canonical_json(value)).hexdigest()


def chain_hash(prev_hash: str, record: dict[str, Any]) -> str:
    """The hash of one audit entry: its record bound to the hash of the entry before it."""
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical_json(record)).hexdigest()
