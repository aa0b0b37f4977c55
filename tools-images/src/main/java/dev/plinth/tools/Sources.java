/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The source tree of the images, {@code tools-images/}. The only class that knows its paths.
 *
 * <pre>
 * tools-images/
 *   base/packages             packages of the shared base layer
 *   base/rootfs/              files copied into the base layer (0755 if executable, else 0644)
 *   &lt;tool&gt;/packages           the tool's extra packages
 *   &lt;tool&gt;/rootfs/            the tool's files; rootfs/usr/local/bin/plinth-&lt;tool&gt; is the entrypoint
 *   debian/trixie.lock        every package of both arches, pinned (name, version, sha256, size, path)
 *   debian/&lt;image&gt;.closure    arch&lt;TAB&gt;package: what each layer contains (base, then each tool)
 * </pre>
 */
public record Sources(Path root) {
  /** The seven tools, in build order. */
  public static final List<String> TOOLS =
      List.of(
          "config-drive",
          "linux-bootloader",
          "linux-imager",
          "sgdisk",
          "vendor-firmware",
          "wimapply",
          "windows-bootloader");

  /** The image name of the shared base layer. */
  public static final String BASE = "base";

  /** Finds {@code tools-images/} from {@code start} (the repository root or any folder in it). */
  public static Sources locate(Path start) throws IOException {
    for (Path p = start.toAbsolutePath(); p != null; p = p.getParent()) {
      for (Path c : List.of(p, p.resolve("tools-images"))) {
        if (Files.isRegularFile(c.resolve("base/packages"))
            && Files.isDirectory(c.resolve("debian"))) {
          return new Sources(c);
        }
      }
    }
    throw new IOException("no tools-images/ directory (with base/packages) at or above " + start);
  }

  public Path packages(String image) {
    return root.resolve(image).resolve("packages");
  }

  public Path rootfs(String image) {
    return root.resolve(image).resolve("rootfs");
  }

  public Path lock() {
    return root.resolve("debian/trixie.lock");
  }

  public Path closure(String image) {
    return root.resolve("debian").resolve(image + ".closure");
  }

  /** The entrypoint of a tool inside its image. */
  public static String entrypoint(String tool) {
    return "/usr/local/bin/plinth-" + tool;
  }

  /** Fails unless {@code tool} is one of {@link #TOOLS}. */
  public static String checkTool(String tool) {
    if (!TOOLS.contains(tool)) {
      throw new IllegalArgumentException("unknown tool " + tool + " (known: " + TOOLS + ")");
    }
    return tool;
  }
}
