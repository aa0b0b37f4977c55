/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.rehearse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release rehearsal of issue 14 in {@code bash .ci/run}: {@code ci rehearse} against {@code
 * plinth serve} (staging) and Debian's docker-registry (production), with the tool images, CI-only
 * OS and maintenance OS the reactor built before this module (system properties set by ci/pom.xml),
 * so nothing heavy is built a third time. Their own reproducibility ITs (tools-images
 * ReproducibleImagesIT, maintenance-os ReproducibleBuildIT) prove them bit-identical across builds;
 * here the dist is assembled twice and compared.
 */
class RehearsalIT {

  @Test
  void mainThenTagAgainstTwoLocalRegistries(@TempDir Path work) throws Exception {
    Path root = Path.of(System.getProperty("plinth.root", "..")).toAbsolutePath().normalize();
    Path jar = Path.of(System.getProperty("plinth.jar", ""));
    Path tools = Path.of(System.getProperty("plinth.tools.images", ""));
    Path cios = Path.of(System.getProperty("plinth.cios", ""));
    Path mos = Path.of(System.getProperty("plinth.mos.dir", ""));
    List<String> missing = new ArrayList<>();
    for (Path p : List.of(jar, tools, cios, mos.resolve("maintenance.iso"))) {
      if (!Files.exists(p)) {
        missing.add(p.toString());
      }
    }
    for (String bin :
        List.of("/usr/bin/docker-registry", "/usr/bin/skopeo", "/usr/bin/sha256sum")) {
      if (!Files.isExecutable(Path.of(bin))) {
        missing.add(bin);
      }
    }
    if (!missing.isEmpty()) {
      String msg =
          "\n*** RehearsalIT SKIPPED: missing "
              + missing
              + " (the reactor builds the images and the maintenance OS before ci: run the whole"
              + " build as root, with docker-registry and skopeo installed) ***\n";
      System.err.println(msg);
      if ("1".equals(System.getenv("PLINTH_REQUIRE_PEERS"))) {
        fail(msg);
      }
      Assumptions.abort(msg);
    }
    if (System.getenv("PLINTH_SKOPEO") == null) {
      // bookworm's skopeo has no sigstore support: trixie's, as the sign stage's ITs use it
      Process p =
          new ProcessBuilder(
                  "bash",
                  root.resolve("ci/src/test/scripts/trixie-skopeo.sh").toString(),
                  Path.of(System.getProperty("user.home"), ".cache/plinth/trixie-skopeo")
                      .toString())
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      String[] lines = new String(p.getInputStream().readAllBytes()).strip().split("\n");
      if (p.waitFor() == 0 && !lines[lines.length - 1].isBlank()) {
        System.setProperty("plinth.skopeo", lines[lines.length - 1]);
      }
    }
    PrintWriter out = new PrintWriter(System.out, true);
    Rehearsal.Options o =
        new Rehearsal.Options(
            root,
            System.getProperty("plinth.buildDir", "target"),
            work,
            jar,
            tools,
            cios,
            mos,
            "v0.1.0",
            1,
            Boolean.getBoolean("plinth.rehearse.rebuild"),
            null);
    Rehearsal.Result r = new Rehearsal(o, out).run();

    // every channel in production names the candidate's (= the built) digest
    assertThat(r.candidate()).containsKey("plinth/tools/sgdisk").containsKey("plinth/maintenance");
    assertThat(r.candidate()).doesNotContainKeys("ci-only/os/linux-rootfs");
    for (Map.Entry<String, String> e : r.candidate().entrySet()) {
      Map<String, String> tags = r.production().get(e.getKey());
      for (String t : List.of("v0.1.0", "0.1", "latest", "stable")) {
        assertThat(tags).as(e.getKey()).containsEntry(t, e.getValue());
      }
    }
    assertThat(r.stages())
        .containsKeys("build", "verify-reproducible", "publish (staging)", "promote");
  }
}
