/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools;

import dev.plinth.tools.oci.Descriptor;
import dev.plinth.tools.oci.Materializer;
import dev.plinth.tools.oci.OciLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Entry points: build the tool images, unpack one for tests. */
public final class ToolImages {
  private ToolImages() {}

  /** The repository of a tool's image. */
  public static String repository(String tool) {
    return "plinth/tools/" + Sources.checkTool(tool);
  }

  /** What a build wrote. */
  public record Result(Path layout, Path bundle, Map<String, Descriptor> indexes) {}

  /** Builds every tool of {@code options} for every arch into {@code options.out()}. */
  public static Result build(BuildOptions options) throws IOException, InterruptedException {
    return new ImageBuilder(options).build();
  }

  /**
   * Unpacks the image {@code plinth/tools/<tool>:1} for {@code arch} (amd64, arm64) from a layout
   * (the layout directory, or a build's output directory holding {@code oci/}) into {@code dir}, so
   * a test can chroot into the real image root.
   */
  public static void materialize(Path layout, String tool, String arch, Path dir)
      throws IOException {
    Path d = Files.isRegularFile(layout.resolve("oci-layout")) ? layout : layout.resolve("oci");
    Materializer.materialize(OciLayout.open(d), repository(tool) + ":1", arch, dir);
  }
}
