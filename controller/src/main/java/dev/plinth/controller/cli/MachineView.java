/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A machine for people: its fields, then its inventory as a short summary (system, power, CPUs,
 * memory, one line per disk and per NIC) instead of the raw JSON, which {@code -o json} gives.
 */
final class MachineView {

  private MachineView() {}

  /** Prints {@code m} (an API machine) in the output's format. */
  static void print(Output out, JsonNode m) {
    out.item(m, MachinesCommand.ONE);
    if (out.table()) {
      PrintWriter w = out.w();
      summary(m.path("inventory")).forEach(w::println);
      w.flush();
    }
  }

  /** The inventory's summary lines ({@code Inventory: not read yet} when there is none). */
  static List<String> summary(JsonNode inv) {
    List<String> l = new ArrayList<>();
    if (inv.isMissingNode() || inv.isNull()) {
      l.add("Inventory:   not read yet (plinth machines inspect NAME)");
      return l;
    }
    l.add("Inventory:");
    String system = join(" ", text(inv, "manufacturer"), text(inv, "model"));
    l.add(
        "  system:    "
            + (system.isEmpty() ? "-" : system)
            + ", serial "
            + or(text(inv, "serialNumber"))
            + ", UUID "
            + or(text(inv, "uuid")));
    l.add("  power:     " + or(text(inv, "powerState")));
    JsonNode p = inv.path("processors");
    l.add(
        "  CPUs:      "
            + (p.isObject()
                ? join(
                    ", ",
                    p.hasNonNull("count") ? p.get("count").asText() + " socket(s)" : "",
                    text(p, "model"),
                    p.hasNonNull("logical") ? p.get("logical").asText() + " logical" : "")
                : "-"));
    l.add(
        "  memory:    "
            + (inv.hasNonNull("memoryGiB") ? num(inv.get("memoryGiB").asDouble()) + " GiB" : "-"));
    JsonNode disks = inv.path("disks");
    l.add("  disks:     " + disks.size());
    for (JsonNode d : disks) {
      l.add(
          "    "
              + join(
                  "  ",
                  or(text(d, "name")),
                  d.hasNonNull("capacityBytes") ? size(d.get("capacityBytes").asLong()) : "",
                  text(d, "mediaType"),
                  text(d, "model"),
                  d.hasNonNull("serialNumber") ? "serial " + text(d, "serialNumber") : ""));
    }
    JsonNode nics = inv.path("nics");
    if (nics.isArray() && !nics.isEmpty()) {
      l.add("  NICs:      " + nics.size());
      for (JsonNode n : nics) {
        l.add(
            "    "
                + join(
                    "  ",
                    or(text(n, "name")),
                    text(n, "mac"),
                    text(n, "linkStatus"),
                    n.hasNonNull("speedMbps") ? n.get("speedMbps").asText() + " Mb/s" : ""));
      }
    } else {
      JsonNode macs = inv.path("macAddresses");
      List<String> m = new ArrayList<>();
      macs.forEach(x -> m.add(x.asText()));
      l.add("  MACs:      " + (m.isEmpty() ? "-" : String.join(", ", m)));
    }
    String boot = join(" ", text(inv, "bootMode"), text(inv, "bootTarget"));
    if (!boot.isEmpty()) {
      l.add("  boot:      " + boot + " (override " + or(text(inv, "bootEnabled")) + ")");
    }
    return l;
  }

  /** How many of a machine's last state transitions {@code machines get} shows. */
  static final int HISTORY_SHOWN = 5;

  /**
   * The lines for a page of {@code GET /machines/{name}/history} (newest first): one per
   * transition, with who made it and why.
   */
  static List<String> history(JsonNode page) {
    List<String> l = new ArrayList<>();
    JsonNode items = page.path("items");
    if (items.isEmpty()) {
      l.add("History:     no state changes yet");
      return l;
    }
    l.add(
        "History:     "
            + (page.hasNonNull("next") ? "the last " + items.size() + " changes" : "")
            + (page.hasNonNull("next") ? ", newest first" : "newest first"));
    for (JsonNode t : items) {
      l.add(
          "  "
              + join(
                  "  ",
                  or(text(t, "at")),
                  text(t, "from") + " -> " + text(t, "to"),
                  t.hasNonNull("by") ? "by " + text(t, "by") : "",
                  text(t, "reason")));
    }
    return l;
  }

  /** Bytes in decimal units, as disk vendors count: 480 GB, 4 TB. */
  static String size(long bytes) {
    String[] units = {"B", "kB", "MB", "GB", "TB", "PB"};
    double v = bytes;
    int u = 0;
    while (v >= 1000 && u < units.length - 1) {
      v /= 1000;
      u++;
    }
    return num(v) + " " + units[u];
  }

  private static String num(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.path(field);
    return v.isMissingNode() || v.isNull() ? "" : v.asText();
  }

  private static String or(String s) {
    return s.isEmpty() ? "-" : s;
  }

  private static String join(String sep, String... parts) {
    List<String> kept = new ArrayList<>();
    for (String p : parts) {
      if (!p.isEmpty()) {
        kept.add(p);
      }
    }
    return String.join(sep, kept);
  }
}
