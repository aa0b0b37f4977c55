#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""Makes a wimlib-written WIM reproducible: wimcapture stamps a random GUID into the header and the
capture time into the XML (CREATIONTIME, LASTMODIFICATIONTIME). This rewrites both in place, same
length: GUID = first 16 bytes of sha256("plinth-ci-os:" + the image's XML NAME), times = EPOCH.

Usage: wim-fix-times.py FILE.wim SOURCE_DATE_EPOCH
"""
import hashlib
import re
import struct
import sys

path, epoch = sys.argv[1], int(sys.argv[2])
filetime = (epoch + 11644473600) * 10_000_000
high, low = filetime >> 32, filetime & 0xFFFFFFFF
with open(path, "r+b") as f:
    header = f.read(208)
    if header[:8] != b"MSWIM\0\0\0":
        sys.exit(f"{path}: not a WIM")
    # XML resource header at 72: 7-byte stored size, 1 flag byte, 8-byte offset, 8-byte original size
    size = int.from_bytes(header[72:79], "little")
    offset = struct.unpack_from("<Q", header, 80)[0]
    f.seek(offset)
    raw = f.read(size)
    xml = raw.decode("utf-16-le")
    fixed = re.sub(
        r"<(CREATIONTIME|LASTMODIFICATIONTIME)><HIGHPART>0x[0-9A-Fa-f]{8}</HIGHPART>"
        r"<LOWPART>0x[0-9A-Fa-f]{8}</LOWPART>",
        lambda m: f"<{m.group(1)}><HIGHPART>0x{high:08X}</HIGHPART><LOWPART>0x{low:08X}</LOWPART>",
        xml,
    )
    out = fixed.encode("utf-16-le")
    if len(out) != len(raw):
        sys.exit(f"{path}: XML length changed, refusing")
    names = "".join(re.findall(r"<NAME>([^<]*)</NAME>", xml))
    guid = hashlib.sha256(("plinth-ci-os:" + names).encode()).digest()[:16]
    f.seek(24)
    f.write(guid)
    f.seek(offset)
    f.write(out)
