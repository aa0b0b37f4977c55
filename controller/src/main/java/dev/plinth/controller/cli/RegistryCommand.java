/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import dev.plinth.controller.Layout;
import dev.plinth.controller.config.ConfigException;
import dev.plinth.controller.config.ConfigLoader;
import dev.plinth.controller.config.PlinthConfig;
import dev.plinth.registry.Registry;
import dev.plinth.registry.api.Glob;
import dev.plinth.registry.api.RepositoryName;
import dev.plinth.registry.gc.Reports;
import dev.plinth.registry.gc.RetentionPolicy;
import dev.plinth.registry.transfer.Progress;
import dev.plinth.registry.transfer.Transfer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code plinth registry ...}: offline maintenance of the embedded registry's storage. */
@Command(
    name = "registry",
    mixinStandardHelpOptions = true,
    description = "Embedded OCI registry: import, export, ls, gc, retain, fsck.",
    subcommands = {
      RegistryCommand.Import.class,
      RegistryCommand.Export.class,
      RegistryCommand.Ls.class,
      RegistryCommand.Gc.class,
      RegistryCommand.Retain.class,
      RegistryCommand.Fsck.class,
    })
final class RegistryCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Options shared by every subcommand: where the data directory is. */
  abstract static class Base implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = {"-c", "--config"},
        paramLabel = "FILE",
        description = "Configuration file.")
    Path config;

    @Option(names = "--data", paramLabel = "DIR", description = "Data directory.")
    Path data;

    Registry open() throws IOException {
      PlinthConfig c;
      try {
        c = ConfigLoader.load(config, System.getenv());
      } catch (ConfigException | IllegalArgumentException e) {
        throw new UserException(e.getMessage(), e);
      }
      Layout layout = new Layout(data != null ? data : c.dataDir()).create();
      return Registry.builder().root(layout.registry()).dataPlane(false).start();
    }

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    /** Ends the progress line. */
    void endBar() {
      spec.commandLine().getErr().println();
      spec.commandLine().getErr().flush();
    }

    /** A progress bar on stderr. */
    Progress bar(String what) {
      PrintWriter err = spec.commandLine().getErr();
      return new Progress() {
        long lastPercent = -1;

        @Override
        public void update(long done, long total) {
          long percent = total == 0 ? 100 : done * 100 / total;
          if (percent != lastPercent) {
            lastPercent = percent;
            err.printf(
                "\r%s: %3d%% %,.1f/%,.1f MiB", what, percent, done / 1048576.0, total / 1048576.0);
            err.flush();
          }
        }
      };
    }
  }

  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      description = "Import an OCI image layout (directory or .tar).")
  static final class Import extends Base {
    @Parameters(
        paramLabel = "PATH",
        description = "Layout directory or tar (skopeo oci:/oci-archive:).")
    Path path;

    @Option(
        names = "--repo",
        paramLabel = "NAME",
        description = "Repository to import into (default: the one each index entry names).")
    String repo;

    @Override
    public Integer call() throws IOException {
      try (Registry r = open()) {
        Transfer.ImportReport rep =
            r.transfer()
                .importLayout(
                    path, repo == null ? null : RepositoryName.parse(repo), bar("import"));
        endBar();
        rep.imported().forEach(out()::println);
        out().printf("imported %d blobs, %,d bytes%n", rep.blobs(), rep.bytes());
      }
      return 0;
    }
  }

  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description = "Export images (with referrers) as an OCI layout.")
  static final class Export extends Base {
    @Parameters(paramLabel = "REPO:TAG", arity = "1..*", description = "REPO:TAG or REPO@DIGEST.")
    List<String> refs;

    @Option(
        names = {"-o", "--output"},
        required = true,
        paramLabel = "FILE",
        description = "Output: a .tar file, or a directory.")
    Path output;

    @Override
    public Integer call() throws IOException {
      try (Registry r = open()) {
        Transfer.ExportReport rep = r.transfer().export(refs, output, bar("export"));
        endBar();
        out().printf("exported %d blobs, %,d bytes to %s%n", rep.blobs(), rep.bytes(), output);
      }
      return 0;
    }
  }

  @Command(
      name = "ls",
      mixinStandardHelpOptions = true,
      description = "List repositories, or the tags of one.")
  static final class Ls extends Base {
    @Parameters(arity = "0..1", paramLabel = "REPO")
    String repo;

    @Override
    public Integer call() throws IOException {
      try (Registry r = open()) {
        if (repo == null) {
          for (RepositoryName n : r.maintenance().repositories()) {
            out().printf("%s\t%d tags%n", n, r.maintenance().tags(n).size());
          }
        } else {
          for (var t : r.maintenance().tags(RepositoryName.parse(repo))) {
            out().printf("%s\t%s\t%s%n", t.tag(), t.digest(), t.pushed());
          }
        }
      }
      return 0;
    }
  }

  @Command(
      name = "gc",
      mixinStandardHelpOptions = true,
      description = "Delete blobs no manifest references (grace period applies).")
  static final class Gc extends Base {
    @Option(names = "--dry-run", description = "Only report.")
    boolean dryRun;

    @Option(
        names = "--grace",
        defaultValue = "PT1H",
        description = "Grace period (ISO-8601, default PT1H).")
    Duration grace;

    @Override
    public Integer call() throws IOException {
      try (Registry r = open()) {
        Reports.Gc g = r.maintenance().gc(grace, Duration.ofDays(1), dryRun);
        g.deleted().forEach(d -> out().println((dryRun ? "would delete " : "deleted ") + d));
        out()
            .printf(
                "%d reachable, %d %s (%,d bytes), %d kept in grace, %d stale uploads removed%n",
                g.marked(),
                g.deleted().size(),
                dryRun ? "unreferenced" : "deleted",
                g.bytesFreed(),
                g.keptYoung(),
                g.uploadsExpired());
      }
      return 0;
    }
  }

  @Command(
      name = "retain",
      mixinStandardHelpOptions = true,
      description = "Apply a retention policy (then run gc to free space).")
  static final class Retain extends Base {
    @Option(names = "--repos", defaultValue = "**", description = "Repository glob (default **).")
    String repos;

    @Option(names = "--keep-last", defaultValue = "10", description = "Tags to keep by push time.")
    int keepLast;

    @Option(
        names = "--keep",
        split = ",",
        defaultValue = "v*,stable,candidate,latest",
        description = "Tag globs always kept.")
    List<String> keep;

    @Option(
        names = "--untagged-older-than",
        description = "Drop untagged manifests older than this (ISO-8601).")
    Duration untagged;

    @Option(names = "--dry-run", description = "Only report.")
    boolean dryRun;

    @Override
    public Integer call() throws IOException {
      List<Glob> keepGlobs = new ArrayList<>();
      keep.forEach(k -> keepGlobs.add(new Glob(k)));
      try (Registry r = open()) {
        Reports.Retention rep =
            r.maintenance()
                .retention(
                    List.of(new RetentionPolicy(new Glob(repos), keepLast, keepGlobs, untagged)),
                    dryRun);
        String verb = dryRun ? "would delete " : "deleted ";
        rep.tagsDeleted().forEach(t -> out().println(verb + t));
        rep.manifestsDeleted().forEach(m -> out().println(verb + m));
      }
      return 0;
    }
  }

  @Command(
      name = "fsck",
      mixinStandardHelpOptions = true,
      description = "Check storage consistency and blob digests.")
  static final class Fsck extends Base {
    @Option(
        names = "--repair",
        description = "Remove what is broken (dangling tags and links, corrupt blobs).")
    boolean repair;

    @Override
    public Integer call() throws IOException {
      try (Registry r = open()) {
        Reports.Fsck f = r.maintenance().fsck(repair);
        f.problems().forEach(out()::println);
        out()
            .printf(
                "%d blobs verified, %d problems, %d repaired%n",
                f.blobsChecked(), f.problems().size(), f.repaired());
        return f.clean() || (repair && f.repaired() == f.problems().size()) ? 0 : 1;
      }
    }
  }
}
