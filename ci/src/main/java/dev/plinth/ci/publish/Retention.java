/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.publish;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The retention policy (design 034 "Retention and GC"): which tags of a repository expire.
 *
 * <ul>
 *   <li>{@code plinth/tools/*}: the release tags ({@code vX.Y.Z}, {@code vX.Y.Z-rc.N}) of the last
 *       {@code toolsKeep} versions stay, older ones expire;
 *   <li>{@code plinth/maintenance*}: the last {@code maintenancePerMinor} versions of each {@code
 *       X.Y} stay;
 *   <li>{@code ci-only/*}: pruned hard: only the tags in {@code ciOnlyKeep} stay;
 *   <li>git-SHA tags (40 hex) expire unless the commit is one of {@code recentCommits} (when
 *       known);
 *   <li>moving tags ({@code latest}, {@code stable}, {@code candidate}, {@code X.Y}, the argument
 *       contract tag {@code 1}) never expire; signature and referrer tags ({@code sha256-...})
 *       follow their subject.
 * </ul>
 *
 * @param toolsKeep versions kept for tool images
 * @param maintenancePerMinor versions kept per minor line for the maintenance OS
 * @param ciOnlyKeep tags kept in ci-only repositories
 * @param recentCommits git SHAs whose tags are kept (null: keep every SHA tag)
 */
public record Retention(
    int toolsKeep, int maintenancePerMinor, Set<String> ciOnlyKeep, Set<String> recentCommits) {

  static final Pattern RELEASE = Pattern.compile("v(\\d+)\\.(\\d+)\\.(\\d+)(?:-rc\\.(\\d+))?");
  static final Pattern SHA = Pattern.compile("[0-9a-f]{40}");

  /** The tags of {@code repo} that expire, out of {@code tags}. */
  public List<String> expired(String repo, List<String> tags) {
    List<String> out = new ArrayList<>();
    if (repo.startsWith("ci-only/")) {
      for (String t : tags) {
        if (!t.startsWith("sha256-") && !ciOnlyKeep.contains(t)) {
          out.add(t);
        }
      }
      return out;
    }
    boolean tools = repo.startsWith("plinth/tools/");
    boolean maintenance = repo.startsWith("plinth/maintenance");
    if (!tools && !maintenance) {
      return out;
    }
    // versions (X.Y.Z) present, newest first
    Map<String, List<int[]>> byLine = new TreeMap<>();
    Set<String> seen = new HashSet<>();
    for (String t : tags) {
      Matcher m = RELEASE.matcher(t);
      if (m.matches()) {
        int[] v = {
          Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3))
        };
        String key = v[0] + "." + v[1] + "." + v[2];
        if (seen.add(key)) {
          byLine.computeIfAbsent(tools ? "all" : v[0] + "." + v[1], k -> new ArrayList<>()).add(v);
        }
      }
    }
    Set<String> kept = new HashSet<>();
    int keep = tools ? toolsKeep : maintenancePerMinor;
    Comparator<int[]> newest =
        Comparator.<int[]>comparingInt(v -> v[0])
            .thenComparingInt(v -> v[1])
            .thenComparingInt(v -> v[2])
            .reversed();
    for (List<int[]> line : byLine.values()) {
      line.sort(newest);
      for (int[] v : line.subList(0, Math.min(keep, line.size()))) {
        kept.add(v[0] + "." + v[1] + "." + v[2]);
      }
    }
    for (String t : tags) {
      Matcher m = RELEASE.matcher(t);
      if (m.matches() && !kept.contains(m.group(1) + "." + m.group(2) + "." + m.group(3))) {
        out.add(t);
      } else if (SHA.matcher(t).matches() && recentCommits != null && !recentCommits.contains(t)) {
        out.add(t);
      }
    }
    return out;
  }
}
