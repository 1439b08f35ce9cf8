"""Stable pseudo-random numbers derived from row numbers, without a random generator.

What a drop adds on top of the world (formatting variants, re-sent and broken
rows) is chosen by hashing a row's stable number, so the same row gets the same
treatment in every night's drop, whatever else the drop contains.
"""

from __future__ import annotations

import numpy as np

_MASK = np.uint64(0xFFFFFFFFFFFFFFFF)


def unit_hash(numbers: np.ndarray, salt: int) -> np.ndarray:
    """A uniform-looking float in [0, 1) for each integer (splitmix64 finaliser)."""
    with np.errstate(over="ignore"):
        z = np.asarray(numbers, dtype=np.uint64) * np.uint64(0x9E3779B97F4A7C15)
        z = (z + np.uint64(salt) * np.uint64(0xBF58476D1CE4E5B9)) & _MASK
        z = ((z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)) & _MASK
        z = ((z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)) & _MASK
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) / float(2**53)


def every_nth(numbers: np.ndarray, modulus: int, salt: int) -> np.ndarray:
    """Rows whose number falls on one residue: about 1/modulus of any run of numbers."""
    return (np.asarray(numbers, dtype=np.int64) % modulus) == (salt % modulus)


def capped(mask: np.ndarray, share: float) -> np.ndarray:
    """Keep the first True values of a mask, at most floor(share x len(mask))."""
    limit = int(len(mask) * share)
    keep = mask & (np.cumsum(mask) <= limit)
    return keep
