/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.cios;

import dev.plinth.tools.Sources;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ci-os/bundle.sh}: builds the CI-only test OS payloads and writes OUT/layout (an OCI
 * layout) and OUT/plinth-ci-os-VERSION.tar (the same as one tar, for {@code plinth registry
 * import}).
 */
@Command(
    name = "ci-os",
    mixinStandardHelpOptions = true,
    description = "Builds the CI-only test OS artifacts (ci-only/os/*:1) as an OCI layout and tar.")
public final class CiOsMain implements Callable<Integer> {
  @Option(names = "--out", required = true, paramLabel = "DIR")
  Path out;

  @Option(
      names = "--version",
      paramLabel = "V",
      defaultValue = "1",
      description = "Bundle version (file name and org.opencontainers.image.version).")
  String version;

  @Option(names = "--source-date-epoch", paramLabel = "N")
  Long epoch;

  @Option(
      names = "--sources",
      paramLabel = "DIR",
      description = "The tools-images/ directory (default: found from the working directory).")
  Path sources;

  @Option(names = "--cache", paramLabel = "DIR", description = "Download cache for the .debs.")
  Path cache;

  @Option(
      names = "--payloads",
      paramLabel = "DIR",
      description = "Publish payloads build.sh already wrote here instead of building them.")
  Path payloads;

  public static void main(String[] args) {
    System.exit(
        new CommandLine(new CiOsMain())
            .setExecutionExceptionHandler(
                (ex, cmd, parsed) -> {
                  cmd.getErr().println("ci-os: " + ex.getMessage());
                  return 1;
                })
            .execute(args));
  }

  @Override
  public Integer call() throws IOException {
    long sde = epoch != null ? epoch : CiOsBuild.DEFAULT_EPOCH;
    Path in = payloads;
    if (in == null) {
      Path root = sources != null ? sources : Sources.locate(Path.of("")).root();
      in = out.resolve("payloads");
      CiOsBuild.run(root, in, cache != null ? cache : CiOsBuild.defaultCache(), sde);
    }
    Path bundle = out.resolve("plinth-ci-os-" + version + ".tar");
    List<CiOsArtifacts.Published> done =
        CiOsArtifacts.publish(in, out.resolve("layout"), bundle, sde, version);
    for (CiOsArtifacts.Published p : done) {
      System.out.printf(
          "%s %s layer %s %,d bytes payload %s%n",
          p.ref(), p.manifest().digest(), p.layer().digest(), p.layer().size(), p.payloadDigest());
    }
    System.out.println("bundle " + bundle);
    return 0;
  }
}
