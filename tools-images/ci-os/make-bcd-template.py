#!/usr/bin/env python3
# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes a minimal BCD-Template registry hive for the CI-only minimal WIM.

hivex (hivexsh) can edit a hive but not create one, so this writes an empty one by hand: a 4 KiB
regf header, one 4 KiB hbin with the root key "NewStoreRoot" (nk), a security cell (sk) and one free
cell. hivexsh then adds what a BCD store has: Description\\KeyName, and an Objects key with the Windows
Boot Manager object ({9dea862c-...}, type 0x10100002, its description element 12000004). The timestamps
are all 0, so the file is reproducible. It is NOT a working BCD: it only looks like one to tools that
read the hive (wimapply tests, hivexsh).

Usage: make-bcd-template.py OUT
"""
import struct
import subprocess
import sys

out = sys.argv[1]
HBIN = 4096


def cell(payload):
    size = (4 + len(payload) + 7) & ~7
    return struct.pack("<i", -size) + payload + b"\0" * (size - 4 - len(payload))


name = b"NewStoreRoot"
nk_off = 0x20
sk_payload_len = 0x14 + 20
sk_off = nk_off + ((4 + 0x4C + len(name) + 7) & ~7)
nk = struct.pack(
    "<2sHQIIIIIIIIIIIIIIIHH",
    b"nk", 0x2C, 0, 0, 0xFFFFFFFF, 0, 0, 0xFFFFFFFF, 0xFFFFFFFF, 0, 0xFFFFFFFF,
    sk_off, 0xFFFFFFFF, 0, 0, 0, 0, 0, len(name), 0,
) + name
# Self-relative security descriptor with no owner, group or ACLs (control: SE_SELF_RELATIVE).
sd = struct.pack("<BBHIIII", 1, 0, 0x8000, 0, 0, 0, 0)
sk = struct.pack("<2sHIIII", b"sk", 0, sk_off, sk_off, 1, len(sd)) + sd
cells = cell(nk) + cell(sk)
assert len(cell(nk)) == sk_off - nk_off
free = HBIN - 0x20 - len(cells)
hbin = struct.pack("<4sIIQQI", b"hbin", 0, HBIN, 0, 0, 0) + cells + struct.pack("<i", free)
hbin += b"\0" * (HBIN - len(hbin))

hdr = bytearray(4096)
struct.pack_into("<4sIIQIIIIIII", hdr, 0, b"regf", 1, 1, 0, 1, 3, 0, 1, nk_off, HBIN, 1)
hdr[0x30:0x30 + 24] = "BCD-Template".encode("utf-16-le")
csum = 0
for (dw,) in struct.iter_unpack("<I", bytes(hdr[:0x1FC])):
    csum ^= dw
struct.pack_into("<I", hdr, 0x1FC, csum)
with open(out, "wb") as f:
    f.write(bytes(hdr) + hbin)

BOOTMGR = "{9dea862c-5cdd-4e70-acc1-f32b344d4795}"
script = f"""add Description
cd Description
setval 2
KeyName
string:BCD00000000
TreatAsSystem
dword:00000001
cd ..
add Objects
cd Objects
add {BOOTMGR}
cd {BOOTMGR}
add Description
cd Description
setval 1
Type
dword:10100002
cd ..
add Elements
cd Elements
add 12000004
cd 12000004
setval 1
Element
string:Windows Boot Manager (Plinth CI fake)
commit
"""
subprocess.run(["hivexsh", "-w", out], input=script.encode(), check=True, stdout=subprocess.DEVNULL)
