#!/usr/bin/env python3
"""Draws the app's PNG icons (public/icons/) from the shapes of public/favicon.svg: a rounded
square in the brand colour with a white ring and half disc. The maskable icon fills its square
(the launcher cuts its own shape) and keeps the mark inside the central 80 % safe zone.
Standard library only; run it again after changing the mark: python3 scripts/icons.py"""
import struct
import zlib
from pathlib import Path

BRAND = (0xE8, 0x56, 0x3F)
WHITE = (0xFF, 0xFF, 0xFF)
SS = 4  # samples per pixel side (anti-aliasing)


def inside(x, y, maskable):
    """The colour at (x, y) in the 64×64 design space, or None (transparent)."""
    if not maskable:
        r = 14  # rounded corners, as the svg's rx
        cx = min(max(x, r), 64 - r)
        cy = min(max(y, r), 64 - r)
        if (x - cx) ** 2 + (y - cy) ** 2 > r * r:
            return None
    # The mark: scale about the centre (maskable: into the safe zone).
    s = 0.8 if maskable else 1.0
    mx, my = 32 + (x - 32) / s, 32 + (y - 32) / s
    d2 = (mx - 32) ** 2 + (my - 32) ** 2
    if 13 ** 2 <= d2 <= 19 ** 2:  # the ring: r 16, stroke 6
        return WHITE
    if d2 <= 16 ** 2 and mx >= 32:  # the right half disc
        return WHITE
    return BRAND


def png(size, maskable):
    rows = []
    for py in range(size):
        row = bytearray([0])
        for px in range(size):
            acc = [0, 0, 0, 0]
            for sy in range(SS):
                for sx in range(SS):
                    x = (px + (sx + 0.5) / SS) * 64 / size
                    y = (py + (sy + 0.5) / SS) * 64 / size
                    c = inside(x, y, maskable)
                    if c:
                        acc[0] += c[0]; acc[1] += c[1]; acc[2] += c[2]; acc[3] += 255
            n = SS * SS
            a = acc[3] / n
            if a:
                row += bytes([round(acc[0] * 255 / acc[3]), round(acc[1] * 255 / acc[3]),
                              round(acc[2] * 255 / acc[3]), round(a)])
            else:
                row += bytes(4)
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(kind, data):
        c = kind + data
        return struct.pack(">I", len(data)) + c + struct.pack(">I", zlib.crc32(c) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


out = Path(__file__).resolve().parent.parent / "public" / "icons"
out.mkdir(parents=True, exist_ok=True)
for name, size, maskable in [("icon-192.png", 192, False), ("icon-512.png", 512, False),
                             ("maskable-512.png", 512, True), ("apple-touch-icon.png", 180, True)]:
    (out / name).write_bytes(png(size, maskable))
    print(out / name)
