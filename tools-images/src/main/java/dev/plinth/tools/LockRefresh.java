/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools;

import dev.plinth.tools.debian.AptResolver;
import dev.plinth.tools.debian.Lock;
import dev.plinth.tools.debian.PackageList;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code lock refresh}: resolves every image's packages and rewrites the lock, the closures and the
 * tools' Containerfiles.
 */
public final class LockRefresh {
  private LockRefresh() {}

  /** What a refresh wrote. */
  public record Summary(int amd64, int arm64, Map<String, Integer> perImage) {
    @Override
    public String toString() {
      return "lock: "
          + amd64
          + " amd64 + "
          + arm64
          + " arm64 packages; per image (amd64): "
          + perImage;
    }
  }

  /** Resolves base and all seven tools for amd64 and arm64 from trixie at {@code mirror}. */
  public static Summary refresh(Sources s, String mirror) throws IOException, InterruptedException {
    Map<String, PackageList> images = new TreeMap<>();
    images.put(Sources.BASE, PackageList.read(s.packages(Sources.BASE)));
    for (String tool : Sources.TOOLS) {
      Path p = s.packages(tool);
      images.put(
          tool,
          Files.isRegularFile(p) ? PackageList.read(p) : new PackageList(java.util.List.of()));
    }
    Path work = Files.createTempDirectory("plinth-apt-");
    try {
      AptResolver.Result r = new AptResolver(mirror, work).refresh(images, Lock.ARCHES);
      Files.createDirectories(s.lock().getParent());
      r.lock().write(s.lock());
      Map<String, Integer> sizes = new TreeMap<>();
      for (var c : r.closures().entrySet()) {
        c.getValue().write(s.closure(c.getKey()));
        sizes.put(c.getKey(), c.getValue().packages("amd64").size());
      }
      // the Containerfiles pin the lock's versions: regenerated with it (ContainerfileLintTest)
      Containerfiles.writeAll(s, r.lock());
      long amd = r.lock().entries().stream().filter(e -> e.arch().equals("amd64")).count();
      return new Summary((int) amd, (int) (r.lock().entries().size() - amd), sizes);
    } finally {
      ImageBuilder.deleteTree(work);
    }
  }
}
