/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plinth.controller.redfish.model.Collection;
import dev.plinth.controller.redfish.model.ComputerSystem;
import dev.plinth.controller.redfish.model.Manager;
import dev.plinth.controller.redfish.model.Message;
import dev.plinth.controller.redfish.model.ODataId;
import dev.plinth.controller.redfish.model.VirtualMedia;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * VirtualMedia: finding slots (under the system first, then each manager), inserting by action or
 * PATCH with a payload that adapts to what the BMC complains about, ejecting with a body.
 */
final class Media {
  private static final System.Logger LOG = System.getLogger(Media.class.getName());
  private static final int ADAPTATIONS = 6;
  static final Set<String> IMAGE_TYPES = Set.of("CD", "DVD", "USBStick", "RemovableDisk");

  private final Calls calls;
  private final String systemLink;
  private final List<String> managerLinks;
  private volatile List<String> collections;

  /**
   * Within one sequence ({@link #remembering}): the slots as last read, each replaced when it is
   * read again (every insert and eject reads its slot back), so that eject, insert and insert
   * beside list the slots once instead of three times. Null outside a sequence: a client kept open
   * (the CLI, the console) always reads afresh, since an operator may change media between two
   * calls.
   */
  private volatile List<Slot> known;

  private final ComputerSystem system;
  private final Manager manager;

  Media(Calls calls, String systemLink, List<String> managerLinks) {
    this(calls, systemLink, managerLinks, null, null);
  }

  /**
   * As above, with the system and its first manager as read at login: their VirtualMedia links do
   * not change while a session lasts, so listing the slots needs two GETs fewer per session.
   */
  Media(
      Calls calls,
      String systemLink,
      List<String> managerLinks,
      ComputerSystem system,
      Manager manager) {
    this.calls = calls;
    this.systemLink = systemLink;
    this.managerLinks = managerLinks;
    this.system = system;
    this.manager = manager;
  }

  /** Runs {@code body} with the slots read once and kept up to date by this client's own reads. */
  <T> T remembering(java.util.function.Supplier<T> body) {
    if (known != null) {
      return body.get();
    }
    known = new ArrayList<>();
    try {
      return body.get();
    } finally {
      known = null;
    }
  }

  /** A slot with the ETag and Allow header of its last GET. */
  record Slot(VirtualMedia vm, String etag, String allow) {
    boolean patchAllowed() {
      return allow == null || allow.toUpperCase(Locale.ROOT).contains("PATCH");
    }

    boolean canInsert() {
      return vm.insertTarget() != null || patchAllowed();
    }

    MediaSlot view(Quirks q) {
      return new MediaSlot(
          vm.odataId(), vm.id(), vm.mediaTypes(), vm.image(), q.occupied(vm), canInsert());
    }
  }

  private List<String> collections() {
    List<String> c = collections;
    if (c != null) {
      return c;
    }
    List<String> found = new ArrayList<>();
    ComputerSystem s = system != null ? system : calls.get(systemLink, ComputerSystem.class);
    String sys = ODataId.of(s.virtualMedia());
    if (sys != null) {
      found.add(sys);
    }
    for (String m : managerLinks) {
      Manager read =
          manager != null && m.equals(manager.odataId()) ? manager : calls.get(m, Manager.class);
      String link = ODataId.of(read.virtualMedia());
      if (link != null && !found.contains(link)) {
        found.add(link);
      }
    }
    collections = List.copyOf(found);
    return collections;
  }

  private Slot read(String link) {
    Response r = calls.get(link);
    Slot s = new Slot(r.as(VirtualMedia.class), r.etag(), r.header("Allow"));
    List<Slot> k = known;
    if (k != null) {
      k.replaceAll(old -> old.vm().odataId().equals(s.vm().odataId()) ? s : old);
    }
    return s;
  }

  List<Slot> all() {
    List<Slot> k = known;
    if (k != null && !k.isEmpty()) {
      return List.copyOf(k);
    }
    List<Slot> out = new ArrayList<>();
    for (String c : collections()) {
      for (ODataId m : calls.get(c, Collection.class).members()) {
        out.add(read(m.id()));
      }
    }
    if (k != null) {
      k.addAll(out);
    }
    return out;
  }

  List<MediaSlot> slots() {
    Quirks q = calls.quirks();
    return all().stream().map(s -> s.view(q)).toList();
  }

  MediaSlot insert(URI image) {
    Quirks q = calls.quirks();
    return insertIntoFirst(image, s -> q.usableSlot(s.vm()))
        .orElseThrow(
            () ->
                new RedfishUnsupportedException(
                    calls.bmc(), "VirtualMedia", "no CD/DVD slot that can take an image URL"));
  }

  /**
   * Inserts {@code image} into a free slot other than {@code besideLink}: a CD/DVD slot first, else
   * a USB stick or removable disk (an ISO 9660 image still shows its volume label there).
   *
   * @return the slot used, or empty when the BMC has no other slot that takes an image
   */
  Optional<MediaSlot> insertBeside(URI image, String besideLink) {
    Quirks q = calls.quirks();
    return insertIntoFirst(
        image,
        s ->
            !s.vm().odataId().equals(besideLink)
                && q.usableSecondSlot(s.vm())
                && !q.occupied(s.vm()));
  }

  /**
   * Inserts {@code image} into the best slot that {@code usable} accepts and that takes an insert,
   * trying the next on a refusal.
   *
   * @return the slot used, or empty when there is no such slot
   */
  private Optional<MediaSlot> insertIntoFirst(URI image, Predicate<Slot> usable) {
    Quirks q = calls.quirks();
    List<Slot> candidates =
        all().stream()
            .filter(s -> usable.test(s) && s.canInsert())
            .sorted(
                Comparator.comparingInt(
                    (Slot s) -> q.rank(s.vm()) + (s.vm().insertTarget() == null ? 3 : 0)))
            .toList();
    if (candidates.stream().anyMatch(s -> s.vm().insertTarget() != null)) {
      // QUIRK(OpenBMC proxy slots, Cisco C845A): where InsertMedia exists, slots without it are
      // KVM/NBD-only; a PATCH there only hides the real error.
      candidates = candidates.stream().filter(s -> s.vm().insertTarget() != null).toList();
    }
    RedfishHttpException first = null;
    for (Slot s : candidates) {
      try {
        insertInto(s, image);
        return Optional.of(verifyInserted(s.vm().odataId()));
      } catch (RedfishHttpException e) {
        // QUIRK(Cisco UCS, C845A, OpenBMC proxy slots): some slots refuse (400/405): next one.
        if (e.status() != 400 && e.status() != 405 && e.status() != 403) {
          throw e;
        }
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
    return Optional.empty();
  }

  private void insertInto(Slot s, URI image) {
    String action = s.vm().insertTarget();
    ObjectNode body = Json.object().put("Image", image.toString());
    if (action == null) {
      // QUIRK(Lenovo XCC, DMTF mockups, older BMCs): no InsertMedia; PATCH the slot, and XCC
      // SD530 attaches only when Inserted is in the PATCH.
      body.put("Inserted", true).put("WriteProtected", true);
    }
    int serverErrors = 0;
    for (int i = 0; ; i++) {
      try {
        if (action != null) {
          calls.action(action, body, true);
        } else {
          calls.patch(s.vm().odataId(), body, read(s.vm().odataId()).etag());
        }
        return;
      } catch (RedfishHttpException e) {
        if (e.status() >= 500 && serverErrors++ < 3) {
          // QUIRK(Dell iDRAC): an eject may still run; the next insert gets a 5xx.
          Transport.sleep(calls.transport().options().pollInterval());
          continue;
        }
        ObjectNode next = i < ADAPTATIONS ? adapt(body, e, image) : null;
        if (next == null) {
          throw e;
        }
        LOG.log(Level.DEBUG, "{0}: insert payload adapted to {1}", calls.bmc(), next.fieldNames());
        body = next;
      }
    }
  }

  /** The payload the error asks for, or null when there is nothing left to try. */
  static ObjectNode adapt(ObjectNode body, RedfishException e, URI image) {
    ObjectNode b = body.deepCopy();
    if (names(e, "TransferProtocolType") && !b.has("TransferProtocolType")) {
      b.put("TransferProtocolType", protocol(image));
    } else if (names(e, "TransferMethod") && !b.has("TransferMethod")) {
      b.put("TransferMethod", "Stream");
    } else if ((names(e, "UserName") || names(e, "Password")) && !b.has("UserName")) {
      // QUIRK(NVIDIA DGX): InsertMedia fails without credentials, even for a public image.
      b.put("UserName", "none").put("Password", "none");
    } else if (names(e, "MediaType") && !b.has("MediaType")) {
      // QUIRK(OpenBMC YADRO builds): a non-standard MediaType property is required.
      b.put("MediaType", "CD");
    } else if (names(e, "Inserted") && (b.has("Inserted") || b.has("WriteProtected"))) {
      // QUIRK(Supermicro X11/X12, HPE iLO 4): Inserted/WriteProtected are not accepted.
      b.remove("Inserted");
      b.remove("WriteProtected");
    } else if (names(e, "WriteProtected") && b.has("WriteProtected")) {
      b.remove("WriteProtected");
    } else {
      return null;
    }
    return b;
  }

  /** Whether an error names the property {@code p} (as an argument, related property or text). */
  static boolean names(RedfishException e, String p) {
    for (Message m : e.extendedInfo()) {
      if (m.messageArgs().stream().anyMatch(a -> a.equals(p) || a.endsWith("/" + p))
          || m.relatedProperties().stream().anyMatch(a -> a.equals(p) || a.endsWith("/" + p))
          || (m.message() != null && m.message().matches("(?s).*\\b" + p + "\\b.*"))) {
        return true;
      }
    }
    return false;
  }

  private static String protocol(URI image) {
    String s = image.getScheme() == null ? "" : image.getScheme().toLowerCase(Locale.ROOT);
    return switch (s) {
      case "https" -> "HTTPS";
      case "smb", "cifs" -> "CIFS";
      case "nfs" -> "NFS";
      case "ftp" -> "FTP";
      default -> "HTTP";
    };
  }

  private MediaSlot verifyInserted(String link) {
    Quirks q = calls.quirks();
    Slot s = read(link);
    for (int i = 0; i < 5 && !q.occupied(s.vm()); i++) {
      Transport.sleep(calls.transport().options().pollInterval());
      s = read(link);
    }
    if (!q.occupied(s.vm())) {
      throw new RedfishUnsupportedException(
          calls.bmc(), "GET " + link, "the slot does not show the inserted image");
    }
    return s.view(q);
  }

  List<MediaSlot> ejectAll() {
    Quirks q = calls.quirks();
    List<MediaSlot> done = new ArrayList<>();
    for (Slot s : all()) {
      // USB sticks and removable disks too: a task ISO of an earlier job may sit there.
      boolean image =
          s.vm().mediaTypes().isEmpty()
              || s.vm().mediaTypes().stream().anyMatch(IMAGE_TYPES::contains);
      // QUIRK(HPE iLO): ejecting an empty slot fails, so only occupied slots are ejected.
      if (image && q.occupied(s.vm())) {
        done.add(eject(s).view(q));
      }
    }
    return done;
  }

  /** Ejects {@code s}; the slot as last read back. */
  private Slot eject(Slot s) {
    Quirks q = calls.quirks();
    String link = s.vm().odataId();
    String action = s.vm().ejectTarget();
    int serverErrors = 0;
    while (true) {
      try {
        if (action != null) {
          // QUIRK(Dell iDRAC 400, HPE iLO 415): EjectMedia without a JSON body is refused.
          calls.action(action, Json.object(), true);
        } else {
          ejectByPatch(link);
        }
        break;
      } catch (RedfishHttpException e) {
        if (!q.occupied(read(link).vm())) {
          break;
        }
        if (e.status() >= 500 && serverErrors++ < 3) {
          Transport.sleep(calls.transport().options().pollInterval());
          continue;
        }
        throw e;
      }
    }
    Slot now = read(link);
    for (int i = 0; i < 5 && q.occupied(now.vm()); i++) {
      // QUIRK(Dell iDRAC): Inserted may read true for a while after an eject.
      Transport.sleep(calls.transport().options().pollInterval());
      now = read(link);
    }
    return now;
  }

  private void ejectByPatch(String link) {
    ObjectNode body = Json.object().putNull("Image").put("Inserted", false);
    try {
      calls.patch(link, body, read(link).etag());
    } catch (RedfishHttpException e) {
      if (e.status() != 400 || !names(e, "Inserted")) {
        throw e;
      }
      // QUIRK(Supermicro, HPE iLO 4): Inserted is not accepted in the PATCH.
      calls.patch(link, Json.object().putNull("Image"), read(link).etag());
    }
  }
}
