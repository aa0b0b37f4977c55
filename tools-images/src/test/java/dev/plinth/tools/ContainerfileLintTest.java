/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.tools.debian.Lock;
import dev.plinth.tools.debian.LockEntry;
import dev.plinth.tools.debian.PackageList;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The tools' Containerfiles: generated from the packages files and the lock (so a lock refresh
 * keeps them current), and linted here for what hadolint checks that matters to us: a tagged base
 * image (not latest), every apt package pinned to the lock's version, no recommends, the apt lists
 * removed in the same RUN, no ADD of URLs, a JSON-form ENTRYPOINT equal to the image's, the OCI
 * labels, and COPY sources that exist in the context (tools-images/).
 */
class ContainerfileLintTest {
  static final Sources SOURCES = sources();
  static final List<String> LABELS =
      List.of(
          "org.opencontainers.image.title",
          "org.opencontainers.image.source",
          "org.opencontainers.image.licenses",
          "org.opencontainers.image.version",
          "org.opencontainers.image.revision");
  private static final Pattern PIN = Pattern.compile("([a-z0-9][a-z0-9+.-]+)=([A-Za-z0-9.+:~-]+)");

  static Sources sources() {
    try {
      return Sources.locate(Path.of(System.getProperty("basedir", ".")));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<String> tools() {
    return Sources.TOOLS;
  }

  @ParameterizedTest
  @MethodSource("tools")
  void isGeneratedFromTheCurrentLockAndPackages(String tool) throws Exception {
    Path file = Containerfiles.path(SOURCES, tool);
    String want = Containerfiles.render(SOURCES, Lock.read(SOURCES.lock()), tool);
    if (Boolean.getBoolean("plinth.tools.regenerate")) {
      // after a change of the generator alone (a package change goes through the lock refresh)
      Files.writeString(file, want);
    }
    assertThat(file).exists();
    assertThat(Files.readString(file))
        .as(
            file
                + " is stale: "
                + Lock.REFRESH
                + " rewrites it with the lock (or, after a generator change,"
                + " -Dplinth.tools.regenerate=true on this test); commit tools-images/*/Containerfile")
        .isEqualTo(want);
  }

  @ParameterizedTest
  @MethodSource("tools")
  void passesTheLint(String tool) throws Exception {
    Path file = Containerfiles.path(SOURCES, tool);
    assertThat(lint(Files.readString(file), tool, Lock.read(SOURCES.lock()), SOURCES)).isEmpty();
    // the image's entrypoint is a file the build can make executable (its mode comes from git)
    assertThat(
            Files.isExecutable(SOURCES.rootfs(tool).resolve(Sources.entrypoint(tool).substring(1))))
        .as(tool + " wrapper executable")
        .isTrue();
  }

  @Test
  void theLintFindsWhatHadolintWould() throws Exception {
    Lock lock = Lock.read(SOURCES.lock());
    String good = Files.readString(Containerfiles.path(SOURCES, "wimapply"));
    LockEntry wimtools = lock.get("amd64", "wimtools");
    String bad =
        good.replace(Containerfiles.FROM, "docker.io/library/debian:latest")
                .replace(
                    "wimtools=" + wimtools.version(),
                    "wimtools=0.0-1 \\\n      ntfs-3g \\\n      curl=" + wimtools.version())
                .replace("--no-install-recommends ", "")
                .replace("    rm -rf /var/lib/apt/lists/*\n", "    true\n")
                .replace("RUN set -eu; ", "RUN ")
                .replace("org.opencontainers.image.revision", "org.example.revision")
                .replace(
                    "ENTRYPOINT [\"/usr/local/bin/plinth-wimapply\"]", "ENTRYPOINT plinth-wimapply")
                .replace("COPY wimapply/rootfs/ /", "COPY wimapply/rootfs-missing/ /")
            + "ADD https://example.com/tool.tar.gz /opt/\n";
    List<String> problems = lint(bad, "wimapply", lock, SOURCES);
    assertThat(String.join("\n", problems))
        .contains("FROM docker.io/library/debian:latest: pin a tag other than latest")
        .contains("wimtools=0.0-1: the lock has " + wimtools.version() + " (amd64)")
        .contains("ntfs-3g: not pinned")
        .contains("curl=" + wimtools.version() + ": the lock has")
        .contains("--no-install-recommends missing")
        .contains("/var/lib/apt/lists not removed in the RUN that installs")
        .contains("does not start with set -e")
        .contains("LABEL org.opencontainers.image.revision missing")
        .contains("ENTRYPOINT is not JSON form")
        .contains("COPY source wimapply/rootfs-missing/ does not exist")
        .contains("ADD of a URL");
    assertThat(lint(good.replace("debian:trixie-slim", "debian"), "wimapply", lock, SOURCES))
        .anyMatch(p -> p.contains("pin a tag"));
    assertThat(
            lint(
                good.replace(
                    "ENTRYPOINT [\"/usr/local/bin/plinth-wimapply\"]", "ENTRYPOINT [\"/bin/sh\"]"),
                "wimapply",
                lock,
                SOURCES))
        .anyMatch(p -> p.contains("ENTRYPOINT [\"/bin/sh\"] is not the image's"));
    // a package of the list left out of the Containerfile
    assertThat(
            lint(
                good.replace("      wimtools=" + wimtools.version() + " \\\n", ""),
                "wimapply",
                lock,
                SOURCES))
        .anyMatch(p -> p.contains("wimtools (amd64) from the packages files is not installed"));
  }

  /** Instructions: continuation lines joined, comment lines dropped (as the builders do). */
  static List<String> instructions(String text) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (String line : text.split("\n")) {
      if (line.strip().startsWith("#")) {
        continue;
      }
      if (line.endsWith("\\")) {
        cur.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      cur.append(line);
      if (!cur.toString().isBlank()) {
        out.add(cur.toString().strip().replaceAll("\\s+", " "));
      }
      cur.setLength(0);
    }
    return out;
  }

  /** The problems hadolint-like rules find in {@code text}, the Containerfile of {@code tool}. */
  static List<String> lint(String text, String tool, Lock lock, Sources s) throws IOException {
    List<String> problems = new ArrayList<>();
    Map<String, String> labels = new TreeMap<>();
    int froms = 0;
    boolean installs = false;
    Map<String, TreeSet<String>> installed = new TreeMap<>();
    for (String arch : Lock.ARCHES) {
      installed.put(arch, new TreeSet<>());
    }
    String entrypoint = null;
    for (String ins : instructions(text)) {
      String op = ins.split(" ", 2)[0].toUpperCase(java.util.Locale.ROOT);
      String rest = ins.contains(" ") ? ins.substring(ins.indexOf(' ') + 1) : "";
      switch (op) {
        case "FROM" -> {
          froms++;
          String image = rest.split(" ")[0];
          int slash = image.lastIndexOf('/');
          int colon = image.indexOf(':', slash + 1);
          if (colon < 0 || image.endsWith(":latest")) {
            problems.add("FROM " + image + ": pin a tag other than latest (DL3006/DL3007)");
          }
        }
        case "ADD" -> {
          if (rest.matches("(?s).*\\b(https?|ftp)://.*")) {
            problems.add("ADD of a URL: " + rest + " (DL3020: download in a RUN and verify it)");
          } else {
            problems.add("ADD: use COPY for files (DL3020)");
          }
        }
        case "COPY" -> {
          String[] args = rest.split(" ");
          for (int i = 0; i < args.length - 1; i++) {
            if (args[i].startsWith("--")) {
              continue;
            }
            Path src = s.root().resolve(args[i]).normalize();
            if (!src.startsWith(s.root()) || !Files.exists(src)) {
              problems.add(
                  "COPY source " + args[i] + " does not exist in the context tools-images/");
            }
          }
        }
        case "LABEL" -> {
          Matcher m = Pattern.compile("([a-z0-9.-]+)=\"([^\"]*)\"").matcher(rest);
          while (m.find()) {
            labels.put(m.group(1), m.group(2));
          }
        }
        case "ENTRYPOINT" -> entrypoint = rest;
        case "RUN" -> {
          if (!rest.contains("apt-get install")) {
            continue;
          }
          installs = true;
          lintRun(rest, lock, installed, problems);
        }
        default -> {}
      }
    }
    if (froms != 1) {
      problems.add(froms + " FROM instructions: one stage expected");
    }
    for (String l : LABELS) {
      if (!labels.containsKey(l)) {
        problems.add("LABEL " + l + " missing");
      }
    }
    String title = labels.get("org.opencontainers.image.title");
    if (title != null && !title.equals(ToolImages.repository(tool))) {
      problems.add(
          "LABEL org.opencontainers.image.title="
              + title
              + " is not "
              + ToolImages.repository(tool));
    }
    String want = "[\"" + Sources.entrypoint(tool) + "\"]";
    if (entrypoint == null) {
      problems.add("no ENTRYPOINT");
    } else if (!entrypoint.startsWith("[")) {
      problems.add("ENTRYPOINT is not JSON form (DL3025): " + entrypoint);
    } else if (!entrypoint.equals(want)) {
      problems.add("ENTRYPOINT " + entrypoint + " is not the image's " + want);
    }
    if (!installs) {
      problems.add("no apt-get install");
    } else {
      for (String arch : Lock.ARCHES) {
        TreeSet<String> names =
            new TreeSet<>(PackageList.read(s.packages(Sources.BASE)).names(arch));
        if (Files.isRegularFile(s.packages(tool))) {
          names.addAll(PackageList.read(s.packages(tool)).names(arch));
        }
        for (String n : names) {
          if (!installed.get(arch).contains(n)) {
            problems.add(n + " (" + arch + ") from the packages files is not installed");
          }
        }
      }
    }
    return problems;
  }

  /**
   * One RUN with apt-get install: the common package arguments (pinned to the same version for both
   * arches) and the per-arch {@code set --} pins of the {@code case "$TARGETARCH"} branches.
   */
  private static void lintRun(
      String run, Lock lock, Map<String, TreeSet<String>> installed, List<String> problems) {
    if (!run.contains("apt-get update")) {
      problems.add("apt-get install without apt-get update in the same RUN (DL3009)");
    }
    if (run.contains(";") && !run.startsWith("set -e")) {
      problems.add(
          "RUN chains commands with ';' but does not start with set -e (a failure is ignored)");
    }
    if (!run.contains("rm -rf /var/lib/apt/lists/*")) {
      problems.add("/var/lib/apt/lists not removed in the RUN that installs (DL3009)");
    }
    Matcher branch = Pattern.compile("(amd64|arm64)\\) set -- ([^;]*);;").matcher(run);
    while (branch.find()) {
      for (String arg : branch.group(2).trim().split(" ")) {
        if (!arg.isEmpty()) {
          pin(arg, List.of(branch.group(1)), lock, installed, problems);
        }
      }
    }
    Matcher install = Pattern.compile("apt-get install ([^;&|]*)").matcher(run);
    while (install.find()) {
      String[] args = install.group(1).trim().split(" ");
      List<String> flags = new ArrayList<>();
      for (String arg : args) {
        if (arg.startsWith("-")) {
          flags.add(arg);
        } else if (!arg.equals("\"$@\"")) {
          pin(arg, List.of("amd64", "arm64"), lock, installed, problems);
        }
      }
      if (!flags.contains("--no-install-recommends")) {
        problems.add("--no-install-recommends missing (DL3015)");
      }
      if (!flags.contains("-y")) {
        problems.add("apt-get install without -y (DL3014)");
      }
    }
  }

  private static void pin(
      String arg,
      List<String> arches,
      Lock lock,
      Map<String, TreeSet<String>> installed,
      List<String> problems) {
    Matcher m = PIN.matcher(arg);
    if (!m.matches()) {
      problems.add(arg + ": not pinned as package=version (DL3008)");
      return;
    }
    for (String arch : arches) {
      LockEntry e = lock.get(arch, m.group(1));
      if (e == null) {
        problems.add(arg + ": not in the lock for " + arch);
      } else if (!e.version().equals(m.group(2))) {
        problems.add(arg + ": the lock has " + e.version() + " (" + arch + ")");
      } else {
        installed.get(arch).add(m.group(1));
      }
    }
  }
}
