/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.debian;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Computes the lock and the per-image closures with apt-get, in a throwaway apt root per
 * architecture (nothing of the host's apt state is read or written). apt resolves dependencies;
 * {@code install --print-uris} lists the closure (URI, file name, size, but only an MD5 hash), and
 * {@code apt-cache show} supplies version (with epoch), SHA256 and pool path.
 */
public final class AptResolver {
  /** The suite the images are built from. */
  public static final String SUITE = "trixie";

  private static final Pattern URI_LINE = Pattern.compile("^'([^']+)' (\\S+) (\\d+) (\\S+)$");
  private final String mirror;
  private final Path work;

  /**
   * @param mirror the Debian mirror, e.g. {@code http://deb.debian.org/debian}
   * @param work an empty scratch directory (the apt roots go there)
   */
  public AptResolver(String mirror, Path work) {
    this.mirror = mirror.endsWith("/") ? mirror.substring(0, mirror.length() - 1) : mirror;
    this.work = work;
  }

  /** What a refresh computed. */
  public record Result(Lock lock, Map<String, Closure> closures) {}

  /** One line of {@code apt-get install --print-uris}. */
  public record UriLine(String uri, String fileName, long size, String hash) {}

  /**
   * Resolves every image for every architecture.
   *
   * @param images image name to its package list; must contain {@code base}, whose packages every
   *     other image also gets
   */
  public Result refresh(Map<String, PackageList> images, Set<String> arches)
      throws IOException, InterruptedException {
    PackageList base = images.get("base");
    if (base == null) {
      throw new IllegalArgumentException("no base package list");
    }
    List<LockEntry> entries = new ArrayList<>();
    Map<String, Map<String, Set<String>>> closures = new TreeMap<>();
    for (String arch : new TreeSet<>(arches)) {
      AptRoot root = new AptRoot(work.resolve(arch), arch, mirror);
      root.update();
      Set<String> baseNames = null;
      Map<String, LockEntry> pinned = new TreeMap<>();
      Map<String, String> byPath = new HashMap<>();
      for (var img : new TreeMap<>(images).entrySet()) {
        Set<String> want = new TreeSet<>(base.names(arch));
        want.addAll(img.getValue().names(arch));
        List<UriLine> uris = parsePrintUris(root.printUris(want));
        Set<String> names = new TreeSet<>();
        for (UriLine u : uris) {
          String path = poolPath(u.uri());
          names.add(u.fileName().substring(0, u.fileName().indexOf('_')));
          byPath.put(path, u.fileName());
        }
        closures.computeIfAbsent(img.getKey(), k -> new TreeMap<>()).put(arch, names);
        if (img.getKey().equals("base")) {
          baseNames = names;
        }
      }
      Set<String> all = new TreeSet<>();
      closures.values().forEach(m -> all.addAll(m.get(arch)));
      for (LockEntry e : lockEntries(root.show(all), arch)) {
        if (byPath.containsKey(e.filename())) {
          pinned.put(e.name(), e);
        }
      }
      for (String n : all) {
        if (!pinned.containsKey(n)) {
          throw new IOException("apt-cache show gave no stanza for " + n + " (" + arch + ")");
        }
      }
      entries.addAll(pinned.values());
      for (var c : closures.entrySet()) {
        if (!c.getKey().equals("base")) {
          c.getValue().get(arch).removeAll(baseNames);
        }
      }
    }
    Map<String, Closure> out = new LinkedHashMap<>();
    closures.forEach((k, v) -> out.put(k, new Closure(v)));
    return new Result(new Lock(entries), out);
  }

  /** The pool path of a mirror URI ({@code %2b} decoded). */
  String poolPath(String uri) {
    if (!uri.startsWith(mirror + "/")) {
      throw new IllegalArgumentException(
          "apt printed a URI outside the mirror " + mirror + ": " + uri);
    }
    return URLDecoder.decode(uri.substring(mirror.length() + 1), StandardCharsets.UTF_8);
  }

  /** Parses the URI lines of {@code apt-get install --print-uris} (other lines are ignored). */
  public static List<UriLine> parsePrintUris(String output) {
    List<UriLine> out = new ArrayList<>();
    for (String line : output.split("\\R")) {
      Matcher m = URI_LINE.matcher(line);
      if (m.matches()) {
        out.add(new UriLine(m.group(1), m.group(2), Long.parseLong(m.group(3)), m.group(4)));
      }
    }
    return out;
  }

  /** Parses {@code apt-cache show} stanzas into lock entries for {@code arch}. */
  public static List<LockEntry> lockEntries(String showOutput, String arch) {
    List<LockEntry> out = new ArrayList<>();
    for (Map<String, String> st : parseStanzas(showOutput)) {
      String name = st.get("Package");
      String sha = st.get("SHA256");
      if (name == null || sha == null || st.get("Filename") == null) {
        continue;
      }
      out.add(
          new LockEntry(
              name,
              st.get("Version"),
              arch,
              sha,
              Long.parseLong(st.get("Size")),
              st.get("Filename")));
    }
    return out;
  }

  /** Parses RFC 822 style control stanzas (continuation lines are dropped). */
  public static List<Map<String, String>> parseStanzas(String text) {
    List<Map<String, String>> out = new ArrayList<>();
    Map<String, String> cur = new LinkedHashMap<>();
    for (String line : text.split("\\R")) {
      if (line.isBlank()) {
        if (!cur.isEmpty()) {
          out.add(cur);
          cur = new LinkedHashMap<>();
        }
      } else if (!Character.isWhitespace(line.charAt(0))) {
        int colon = line.indexOf(':');
        if (colon > 0) {
          cur.put(line.substring(0, colon), line.substring(colon + 1).strip());
        }
      }
    }
    if (!cur.isEmpty()) {
      out.add(cur);
    }
    return out;
  }

  /** A throwaway apt root for one architecture. */
  private static final class AptRoot {
    final Path dir;
    final String arch;

    AptRoot(Path dir, String arch, String mirror) throws IOException {
      this.dir = dir;
      this.arch = arch;
      for (String d :
          List.of(
              "etc/apt/sources.list.d",
              "etc/apt/preferences.d",
              "etc/apt/apt.conf.d",
              "var/lib/apt/lists/partial",
              "var/cache/apt/archives/partial")) {
        Files.createDirectories(dir.resolve(d));
      }
      Files.writeString(dir.resolve("status"), "");
      Files.writeString(
          dir.resolve("etc/apt/sources.list"),
          "deb [arch=" + arch + "] " + mirror + " " + SUITE + " main\n");
    }

    List<String> base(String tool) {
      String r = dir.toString();
      List<String> cmd = new ArrayList<>(List.of(tool, "-q"));
      for (String o :
          List.of(
              "Dir=" + r,
              "Dir::State::status=" + r + "/status",
              "Dir::Etc=" + r + "/etc/apt",
              "Dir::State=" + r + "/var/lib/apt",
              "Dir::Cache=" + r + "/var/cache/apt",
              "APT::Architecture=" + arch,
              "APT::Architectures=" + arch,
              "Dir::Etc::trusted=/usr/share/keyrings/debian-archive-keyring.gpg",
              "Dir::Etc::TrustedParts=" + r + "/etc/apt/trusted.gpg.d",
              "Acquire::Languages=none",
              "APT::Install-Recommends=false",
              "Debug::NoLocking=true")) {
        cmd.add("-o");
        cmd.add(o);
      }
      return cmd;
    }

    void update() throws IOException, InterruptedException {
      run(base("apt-get"), "update");
    }

    String printUris(Set<String> names) throws IOException, InterruptedException {
      List<String> cmd = base("apt-get");
      cmd.addAll(List.of("install", "--print-uris", "-y"));
      cmd.addAll(names);
      return run(cmd, "install --print-uris");
    }

    String show(Set<String> names) throws IOException, InterruptedException {
      List<String> cmd = base("apt-cache");
      cmd.add("show");
      cmd.addAll(names);
      return run(cmd, "show");
    }

    private String run(List<String> cmd, String what) throws IOException, InterruptedException {
      if (what.equals("update")) {
        cmd.add("update");
      }
      Path out = Files.createTempFile(dir, "apt-", ".out");
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .start();
      int rc = p.waitFor();
      String text = Files.readString(out);
      Files.delete(out);
      if (rc != 0) {
        throw new IOException(
            "apt-get " + what + " (" + arch + ") failed with exit " + rc + ":\n" + text);
      }
      return text;
    }
  }
}
