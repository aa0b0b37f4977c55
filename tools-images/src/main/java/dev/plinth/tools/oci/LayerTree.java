/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.oci;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A layer's entries by path. A later {@link #put} of the same path replaces the earlier one (as
 * unpacking packages in order would). {@link #entries()} returns them sorted by path with a
 * directory for every parent, and hardlink groups arranged so that the file carrying the bytes
 * comes first in the tar (the smallest path), whatever order they were added in.
 */
public final class LayerTree {
  /** Mode of directories created for parents nobody declared. */
  public static final int DEFAULT_DIR_MODE = 0755;

  private final TreeMap<String, LayerEntry> byPath = new TreeMap<>();

  /**
   * Normalizes a tar or file-system path to the layer form ({@code usr/bin/sh}); "" is the root.
   */
  public static String normalize(String name) {
    String p = name;
    while (p.startsWith("./")) {
      p = p.substring(2);
    }
    while (p.startsWith("/")) {
      p = p.substring(1);
    }
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (p.equals(".")) {
      p = "";
    }
    for (String part : p.split("/")) {
      if (part.equals("..") || (part.isEmpty() && !p.isEmpty()) || part.equals(".")) {
        throw new IllegalArgumentException("unsafe or malformed path in layer: " + name);
      }
    }
    return p;
  }

  /** Adds or replaces {@code e}. Returns this. */
  public LayerTree put(LayerEntry e) {
    if (!e.path().equals(normalize(e.path())) || e.path().isEmpty()) {
      throw new IllegalArgumentException("not a normalized layer path: '" + e.path() + "'");
    }
    byPath.put(e.path(), e);
    return this;
  }

  /** The entry at {@code path}, or null. */
  public LayerEntry get(String path) {
    return byPath.get(path);
  }

  /** Removes the entry at {@code path} (not its children). */
  public void remove(String path) {
    byPath.remove(path);
  }

  /** The entries added so far, by path (no parents added). */
  public Map<String, LayerEntry> view() {
    return java.util.Collections.unmodifiableMap(byPath);
  }

  /**
   * The layer's entries sorted by path, with parent directories ({@link #DEFAULT_DIR_MODE}, or the
   * mode {@code parentModes} gives) and hardlinks pointing at the first path of their group.
   */
  public List<LayerEntry> entries(Map<String, Integer> parentModes) {
    TreeMap<String, LayerEntry> all = new TreeMap<>(byPath);
    for (String p : byPath.keySet()) {
      for (int i = p.indexOf('/'); i > 0; i = p.indexOf('/', i + 1)) {
        String parent = p.substring(0, i);
        LayerEntry have = all.get(parent);
        if (have == null) {
          all.put(
              parent,
              new LayerEntry.Dir(parent, parentModes.getOrDefault(parent, DEFAULT_DIR_MODE)));
        } else if (!(have instanceof LayerEntry.Dir)) {
          throw new IllegalStateException(
              "layer has " + p + " under " + parent + ", which is not a directory: " + have);
        }
      }
    }
    arrangeHardlinks(all);
    return new ArrayList<>(all.values());
  }

  /** {@link #entries(Map)} with default parent modes. */
  public List<LayerEntry> entries() {
    return entries(Map.of());
  }

  private static void arrangeHardlinks(TreeMap<String, LayerEntry> all) {
    Map<String, List<String>> groups = new TreeMap<>();
    for (LayerEntry e : all.values()) {
      if (e instanceof LayerEntry.Hardlink h) {
        groups.computeIfAbsent(resolve(all, h), k -> new ArrayList<>()).add(h.path());
      }
    }
    Map<String, LayerEntry> changes = new HashMap<>();
    for (var g : groups.entrySet()) {
      LayerEntry.File f = (LayerEntry.File) all.get(g.getKey());
      String carrier = f.path();
      for (String l : g.getValue()) {
        if (l.compareTo(carrier) < 0) {
          carrier = l;
        }
      }
      changes.put(carrier, new LayerEntry.File(carrier, f.mode(), f.size(), f.content()));
      for (String l : g.getValue()) {
        if (!l.equals(carrier)) {
          changes.put(l, new LayerEntry.Hardlink(l, carrier));
        }
      }
      if (!f.path().equals(carrier)) {
        changes.put(f.path(), new LayerEntry.Hardlink(f.path(), carrier));
      }
    }
    all.putAll(changes);
  }

  private static String resolve(Map<String, LayerEntry> all, LayerEntry.Hardlink h) {
    LayerEntry t = h;
    for (int hops = 0; t instanceof LayerEntry.Hardlink l; hops++) {
      t = all.get(l.target());
      if (t == null || hops > 64) {
        throw new IllegalStateException(
            "hardlink " + h.path() + " -> " + h.target() + " has no regular file in the layer");
      }
    }
    if (!(t instanceof LayerEntry.File f)) {
      throw new IllegalStateException(
          "hardlink " + h.path() + " -> " + h.target() + " points at a non-file: " + t);
    }
    return f.path();
  }
}
