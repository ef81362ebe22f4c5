"""Hashes of the report packs: equal hashes, equal reports. Each pack keeps the hash of
its levels and counts (written with it); a figure made from packs is kept under the hash
of exactly the rows it was made from (`digest_of`), so the two always agree."""

from __future__ import annotations

import hashlib

from data.store.schema import as_date


def cells_digest(fmt: int, blocks: str, legend: str, cells: bytes) -> bytes:
    h = hashlib.blake2b(f"{fmt}\n{blocks}\n{legend}\n".encode(), digest_size=16)
    h.update(cells)
    return h.digest()


def pack_digest(r, *, notes: bool = False) -> bytes:
    """Hash of a report_packs row's levels and counts (and notes, if asked): equal
    hashes, equal reports. The row's `digest` column holds the first, written with the
    pack; a row read without it (or written before it existed) is hashed here."""
    kept = getattr(r, "digest", None)
    cells = (bytes.fromhex(kept) if kept
             else cells_digest(r.format, r.blocks, r.legend, r.cells))
    if not notes:
        return cells
    return hashlib.blake2b(cells + b"\x00" + (r.notes or "").encode(), digest_size=16).digest()


def digest_of(records) -> bytes:
    """Hash of report_packs rows read with their notes (`grid_records(notes=True)`), in any
    order: levels, counts and notes. Made from the rows a figure is then made from, so
    the two always agree."""
    h = hashlib.blake2b(digest_size=16)
    for r in sorted(records, key=lambda r: (r.ward_code, str(r.month))):
        h.update(f"{r.ward_code}/{as_date(r.month)}".encode() + pack_digest(r, notes=True))
    return h.digest()
