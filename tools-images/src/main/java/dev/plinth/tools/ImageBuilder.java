/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools;

import dev.plinth.tools.debian.Closure;
import dev.plinth.tools.debian.DebCache;
import dev.plinth.tools.debian.Lock;
import dev.plinth.tools.debian.LockEntry;
import dev.plinth.tools.debian.PackageList;
import dev.plinth.tools.oci.Descriptor;
import dev.plinth.tools.oci.LayerEntry;
import dev.plinth.tools.oci.LayerTree;
import dev.plinth.tools.oci.LayerWriter;
import dev.plinth.tools.oci.OciJson;
import dev.plinth.tools.oci.OciLayout;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/** Builds the layout and bundle for {@link ToolImages#build}. */
final class ImageBuilder {
  private static final System.Logger LOG = System.getLogger(ImageBuilder.class.getName());
  static final String PATH_ENV =
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  static final String SOURCE_URL = "https://plinth.dev";

  private final BuildOptions o;
  private final Lock lock;
  private final Map<String, Closure> closures = new HashMap<>();
  private final DebCache cache;
  private final Map<LockEntry, Path> tars = new java.util.concurrent.ConcurrentHashMap<>();
  private OciLayout layout;

  ImageBuilder(BuildOptions o) throws IOException {
    this.o = o;
    Sources s = o.sources();
    this.lock = Lock.read(s.lock());
    for (String image : images()) {
      Path c = s.closure(image);
      if (!Files.isRegularFile(c)) {
        throw new IOException(c + " is missing: run " + Lock.REFRESH);
      }
      closures.put(image, Closure.read(c));
    }
    checkClosuresCoverPackageLists();
    this.cache = new DebCache(o.debCache(), o.mirror());
  }

  /** A package list edited since the last refresh fails here, not as a silently stale image. */
  private void checkClosuresCoverPackageLists() throws IOException {
    for (String image : images()) {
      Path list = o.sources().packages(image);
      if (!Files.isRegularFile(list)) {
        continue;
      }
      PackageList wanted = PackageList.read(list);
      for (String arch : o.arches()) {
        Set<String> have = closures.get(Sources.BASE).packages(arch);
        have.addAll(closures.get(image).packages(arch));
        for (String name : wanted.names(arch)) {
          if (!have.contains(name)) {
            throw new IOException(
                list
                    + " names "
                    + name
                    + " ("
                    + arch
                    + "), which debian/"
                    + image
                    + ".closure lacks: the lock is older than the package list. Run "
                    + Lock.REFRESH
                    + " and commit tools-images/debian/ (a virtual package name never matches: name the real"
                    + " package).");
          }
        }
      }
    }
  }

  private List<String> images() {
    List<String> out = new ArrayList<>(List.of(Sources.BASE));
    out.addAll(o.tools());
    return out;
  }

  private List<LockEntry> entries(String image, String arch) {
    Set<String> names = closures.get(image).packages(arch);
    if (names.isEmpty() && image.equals(Sources.BASE)) {
      throw new IllegalStateException(
          "the base closure lists nothing for " + arch + ": run " + Lock.REFRESH);
    }
    return names.stream().map(n -> lock.get(arch, n)).toList();
  }

  ToolImages.Result build() throws IOException, InterruptedException {
    Set<LockEntry> all = new LinkedHashSet<>();
    for (String arch : o.arches()) {
      for (String image : images()) {
        all.addAll(entries(image, arch));
      }
    }
    long t0 = System.nanoTime();
    tars.putAll(cache.fetchAll(all));
    LOG.log(Level.INFO, "{0} packages ready in {1} ms", all.size(), ms(t0));
    deleteTree(o.layoutDir());
    layout = OciLayout.create(o.layoutDir());
    Map<String, Map<String, Descriptor>> manifests = new TreeMap<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(Math.min(2, o.arches().size()))) {
      Map<String, Future<Map<String, Descriptor>>> fs = new TreeMap<>();
      for (String arch : o.arches()) {
        fs.put(arch, pool.submit(() -> buildArch(arch)));
      }
      for (var f : fs.entrySet()) {
        manifests.put(f.getKey(), get(f.getValue()));
      }
    }
    Map<String, Descriptor> indexes = new TreeMap<>();
    List<OciJson.RefEntry> refs = new ArrayList<>();
    for (String tool : o.tools()) {
      List<OciJson.PlatformManifest> pm = new ArrayList<>();
      for (String arch : o.arches()) {
        pm.add(new OciJson.PlatformManifest(manifests.get(arch).get(tool), arch));
      }
      Descriptor index = layout.put(OciJson.INDEX, OciJson.index(pm));
      indexes.put(tool, index);
      for (String tag : new LinkedHashSet<>(List.of("1", o.version()))) {
        refs.add(new OciJson.RefEntry(index, ToolImages.repository(tool) + ":" + tag));
      }
    }
    refs.sort(Comparator.comparing(OciJson.RefEntry::refName));
    layout.finish(refs);
    layout.bundle(o.bundle(), o.epochSeconds());
    LOG.log(Level.INFO, "built {0} in {1} ms", o.bundle(), ms(t0));
    return new ToolImages.Result(o.layoutDir(), o.bundle(), indexes);
  }

  private Map<String, Descriptor> buildArch(String arch) throws IOException, InterruptedException {
    Map<String, Descriptor> out = new TreeMap<>();
    try (DebRootfs debs = new DebRootfs()) {
      LayerTree base = new LayerTree();
      List<LockEntry> baseDebs = entries(Sources.BASE, arch);
      for (LockEntry e : baseDebs) {
        debs.addDeb(base, tars.get(e));
      }
      DebRootfs.baseFixups(base);
      DebRootfs.addRootfs(base, o.sources().rootfs(Sources.BASE));
      Map<String, Integer> dirModes = new HashMap<>();
      base.view()
          .forEach(
              (p, e) -> {
                if (e instanceof LayerEntry.Dir d) {
                  dirModes.put(p, d.mode());
                }
              });
      LayerWriter.Layer baseLayer = writeLayer(base.entries());
      String baseBy =
          "plinth tools-images: debian " + "trixie base, " + baseDebs.size() + " packages";
      for (String tool : o.tools()) {
        LayerTree t = new LayerTree();
        List<LockEntry> toolDebs = entries(tool, arch);
        for (LockEntry e : toolDebs) {
          debs.addDeb(t, tars.get(e));
        }
        DebRootfs.addRootfs(t, o.sources().rootfs(tool));
        if (!(t.get(Sources.entrypoint(tool).substring(1)) instanceof LayerEntry.File)) {
          LOG.log(
              Level.WARNING,
              "{0} has no {1}: the image is built without its wrapper",
              tool,
              Sources.entrypoint(tool));
        }
        LayerWriter.Layer toolLayer = writeLayer(t.entries(dirModes));
        String toolBy =
            "plinth tools-images: " + tool + ", " + toolDebs.size() + " packages + rootfs/";
        out.put(tool, image(tool, arch, baseLayer, toolLayer, List.of(baseBy, toolBy)));
      }
    }
    return out;
  }

  private LayerWriter.Layer writeLayer(List<LayerEntry> entries) throws IOException {
    Path staged = layout.stage();
    LayerWriter.Layer l = LayerWriter.write(entries, o.epochSeconds(), staged);
    layout.commit(staged, l.blob().digest());
    return l;
  }

  private Descriptor image(
      String tool,
      String arch,
      LayerWriter.Layer base,
      LayerWriter.Layer layer,
      List<String> history)
      throws IOException {
    Instant created = Instant.ofEpochSecond(o.epochSeconds());
    Map<String, String> labels = new TreeMap<>();
    labels.put("org.opencontainers.image.created", OciJson.time(created));
    labels.put("org.opencontainers.image.licenses", "AGPL-3.0-or-later");
    labels.put("org.opencontainers.image.revision", o.revision());
    labels.put("org.opencontainers.image.source", SOURCE_URL);
    labels.put("org.opencontainers.image.title", ToolImages.repository(tool));
    labels.put("org.opencontainers.image.version", o.version());
    byte[] config =
        OciJson.config(
            new OciJson.ImageConfig(
                arch,
                created,
                List.of(Sources.entrypoint(tool)),
                List.of(PATH_ENV),
                labels,
                List.of(base.diffId(), layer.diffId()),
                history));
    Descriptor c = layout.put(OciJson.CONFIG, config);
    return layout.put(OciJson.MANIFEST, OciJson.manifest(c, List.of(base.blob(), layer.blob())));
  }

  private static <T> T get(Future<T> f) throws IOException, InterruptedException {
    try {
      return f.get();
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof IOException io) {
        throw io;
      }
      if (c instanceof RuntimeException r) {
        throw r;
      }
      throw new IOException(c);
    }
  }

  private static long ms(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path c : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(c);
      }
    }
  }
}
