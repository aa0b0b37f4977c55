# SPDX-License-Identifier: AGPL-3.0-or-later
# Copyright The Plinth Authors
#
# Runs the virtual-media boot sequence with OpenStack sushy (Debian python3-sushy), an
# independent Redfish client, against a BMC: eject stale CD media, insert an ISO, one-time
# boot from CD in UEFI, power on. Prints {"slot": ...}. Used by SushyPeerIT to check that the
# simulator answers as real-world clients expect.
import json
import sys

import sushy
from sushy.resources.manager import virtual_media as vmod

url, user, password, iso = sys.argv[1:5]
root = sushy.Sushy(url + "/redfish/v1", username=user, password=password, verify=False)
system = root.get_system()
links = []
if "VirtualMedia" in system.json:
    links.append(system.json["VirtualMedia"]["@odata.id"])
for manager in system.managers:
    if "VirtualMedia" in manager.json:
        links.append(manager.json["VirtualMedia"]["@odata.id"])
slots = []
for link in links:
    coll = vmod.VirtualMediaCollection(
        root._conn, link, redfish_version=root.redfish_version, root=root)
    slots.extend(coll.get_members())
cds = [s for s in slots if any(str(t) in ("CD", "DVD", "MediaType.CD", "MediaType.DVD")
                               or getattr(t, "value", None) in ("CD", "DVD")
                               for t in (s.media_types or []))]
system.reset_system(sushy.RESET_FORCE_OFF)
for s in cds:
    if s.inserted:
        s.eject_media()
used = None
error = None
for s in cds:
    if s.identity.startswith("RDOC"):
        # Lenovo XCC RDOC slots are upload-only; sushy 4.3 does not know (bmclib and Ansible do).
        continue
    try:
        s.insert_media(iso)
        used = s.identity
        break
    except sushy.exceptions.SushyError as e:
        # e.g. OpenBMC proxy slots without InsertMedia: try the next slot, as Ironic does.
        error = e
if used is None:
    raise SystemExit("no slot took the image: %s" % error)
system.set_system_boot_options(
    sushy.BOOT_SOURCE_TARGET_CD,
    enabled=sushy.BOOT_SOURCE_ENABLED_ONCE,
    mode=sushy.BOOT_SOURCE_MODE_UEFI)
system.reset_system(sushy.RESET_ON)
print(json.dumps({"slot": used}))
