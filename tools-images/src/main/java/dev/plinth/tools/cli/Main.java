/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.cli;

import dev.plinth.tools.BuildOptions;
import dev.plinth.tools.LockRefresh;
import dev.plinth.tools.Sources;
import dev.plinth.tools.ToolImages;
import dev.plinth.tools.debian.DebCache;
import dev.plinth.tools.oci.RegistryPush;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tools-images/build.sh}: build, push, refresh the lock, unpack an image. */
@Command(
    name = "tools-images",
    mixinStandardHelpOptions = true,
    description = "Builds the Plinth tool images (OCI, amd64 + arm64) without a container daemon.",
    subcommands = {
      Main.Build.class,
      Main.Push.class,
      Main.LockCommand.class,
      Main.Materialize.class
    })
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line; returns the exit code. */
  public static int run(String... args) {
    return new CommandLine(new Main())
        .setExecutionExceptionHandler(
            (ex, cmd, parsed) -> {
              cmd.getErr().println("tools-images: " + ex.getMessage());
              return 1;
            })
        .execute(args);
  }

  abstract static class Base {
    @Option(
        names = "--sources",
        paramLabel = "DIR",
        description =
            "The tools-images/ directory (default: the launcher's, else found from the working directory).")
    Path sources;

    Sources sources() throws IOException {
      if (sources != null) {
        return new Sources(sources);
      }
      String fromLauncher = System.getProperty("plinth.tools.sources");
      return fromLauncher != null
          ? new Sources(Path.of(fromLauncher))
          : Sources.locate(Path.of(""));
    }
  }

  @Command(name = "build", mixinStandardHelpOptions = true, description = "Build every tool image.")
  static final class Build extends Base implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "DIR")
    Path out;

    @Option(names = "--arch", split = ",", defaultValue = "amd64,arm64", paramLabel = "ARCH")
    List<String> arches;

    @Option(names = "--tool", split = ",", paramLabel = "TOOL", description = "Default: all seven.")
    List<String> tools;

    @Option(names = "--version", paramLabel = "V", defaultValue = "0.1.0")
    String version;

    @Option(
        names = "--source-date-epoch",
        paramLabel = "N",
        description = "Default (or 'commit'): $SOURCE_DATE_EPOCH, else the commit time of HEAD.")
    String epoch;

    @Option(
        names = "--revision",
        paramLabel = "SHA",
        description = "Default (or 'commit'): git HEAD.")
    String revision;

    @Option(names = "--deb-cache", paramLabel = "DIR")
    Path debCache;

    @Override
    public Integer call() throws Exception {
      Sources s = sources();
      BuildOptions o =
          new BuildOptions(
              s,
              out,
              arches,
              tools == null ? Sources.TOOLS : tools,
              version,
              Git.sourceDateEpoch(epoch, s.root()),
              Git.revision(revision, s.root()),
              debCache != null ? debCache : DebCache.defaultDirectory(),
              DebCache.mirrorFromEnvironment());
      ToolImages.Result r = ToolImages.build(o);
      r.indexes()
          .forEach((t, d) -> System.out.println(ToolImages.repository(t) + " " + d.digest()));
      System.out.println("layout " + r.layout());
      System.out.println("bundle " + r.bundle());
      return 0;
    }
  }

  @Command(
      name = "push",
      mixinStandardHelpOptions = true,
      description = "Push every image and tag of a layout to a registry.")
  static final class Push implements Callable<Integer> {
    @Option(names = "--layout", required = true, paramLabel = "DIR")
    Path layout;

    @Option(
        names = "--registry",
        required = true,
        paramLabel = "URL",
        description = "e.g. https://host:5000")
    String registry;

    @Option(names = "--username", paramLabel = "U")
    String username;

    @Option(names = "--password-file", paramLabel = "F")
    Path passwordFile;

    @Option(names = "--insecure", description = "Accept any TLS certificate.")
    boolean insecure;

    @Override
    public Integer call() throws Exception {
      Path d = Files.isRegularFile(layout.resolve("oci-layout")) ? layout : layout.resolve("oci");
      String password = passwordFile == null ? null : Files.readString(passwordFile).strip();
      RegistryPush push = new RegistryPush(registry, username, password, insecure);
      for (String ref : push.pushLayout(d)) {
        System.out.println("pushed " + ref);
      }
      return 0;
    }
  }

  @Command(
      name = "lock",
      mixinStandardHelpOptions = true,
      description = "The Debian package lock.",
      subcommands = {LockCommand.Refresh.class})
  static final class LockCommand {
    @Command(
        name = "refresh",
        mixinStandardHelpOptions = true,
        description =
            "Resolve base + every */packages for amd64 and arm64 from trixie and rewrite"
                + " debian/trixie.lock and debian/*.closure.")
    static final class Refresh extends Base implements Callable<Integer> {
      @Override
      public Integer call() throws Exception {
        LockRefresh.Summary sum = LockRefresh.refresh(sources(), DebCache.mirrorFromEnvironment());
        System.out.println(sum);
        return 0;
      }
    }
  }

  @Command(
      name = "materialize",
      mixinStandardHelpOptions = true,
      description = "Unpack a tool image's layers into a directory (to chroot into it).")
  static final class Materialize implements Callable<Integer> {
    @Option(names = "--layout", required = true, paramLabel = "DIR")
    Path layout;

    @Option(names = "--tool", required = true)
    String tool;

    @Option(names = "--arch", required = true)
    String arch;

    @Option(names = "--out", required = true, paramLabel = "DIR")
    Path out;

    @Override
    public Integer call() throws Exception {
      ToolImages.materialize(layout, tool, arch, out);
      return 0;
    }
  }
}
