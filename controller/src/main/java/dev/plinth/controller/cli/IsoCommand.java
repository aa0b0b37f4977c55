/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import dev.plinth.iso.IsoEntry;
import dev.plinth.iso.IsoReader;
import dev.plinth.iso.IsoTree;
import dev.plinth.iso.IsoWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code plinth iso}: build, list and extract deterministic ISO 9660 images. */
@Command(
    name = "iso",
    mixinStandardHelpOptions = true,
    description = "Build, list and extract deterministic ISO 9660 images.",
    subcommands = {IsoCommand.Build.class, IsoCommand.Ls.class, IsoCommand.Extract.class})
final class IsoCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code plinth iso build DIR -o FILE}. */
  @Command(
      name = "build",
      mixinStandardHelpOptions = true,
      description =
          "Write DIR as an ISO image (Rock Ridge + Joliet). Same DIR content, options and"
              + " SOURCE_DATE_EPOCH give the same bytes.")
  static final class Build implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DIR", description = "Directory to put in the image.")
    Path dir;

    @Option(
        names = {"-o", "--output"},
        required = true,
        paramLabel = "FILE",
        description = "Image to write.")
    Path output;

    @Option(names = "--volid", description = "Volume label (default: ${DEFAULT-VALUE}).")
    String volumeId = "CDROM";

    @Option(
        names = "--source-date-epoch",
        paramLabel = "N",
        description = "The date of every timestamp, in seconds (default: $SOURCE_DATE_EPOCH or 0).")
    Long sourceDateEpoch;

    @Option(
        names = "--bios-boot",
        paramLabel = "IMG",
        description = "El Torito BIOS no-emulation image, a path inside DIR.")
    String biosBoot;

    @Option(
        names = "--boot-load-size",
        description = "512-byte sectors the BIOS loads (default: ${DEFAULT-VALUE}).")
    int bootLoadSize = 4;

    @Option(names = "--no-boot-info-table", description = "Do not patch a boot info table.")
    boolean noBootInfoTable;

    @Option(
        names = "--boot-catalog",
        paramLabel = "PATH",
        description = "Path of the boot catalog in the image (default: ${DEFAULT-VALUE}).")
    String bootCatalog = "boot.catalog";

    @Option(
        names = "--efi-boot",
        paramLabel = "IMG",
        description = "El Torito UEFI image (a FAT ESP image), a path inside DIR.")
    String efiBoot;

    @Option(names = "--hybrid", description = "Add an isohybrid MBR and a GPT (bootable as disk).")
    boolean hybrid;

    @Option(
        names = "--hybrid-mbr",
        paramLabel = "FILE",
        description = "MBR boot code for --hybrid (default: ${DEFAULT-VALUE} if present).")
    Path hybridMbr = Path.of("/usr/lib/ISOLINUX/isohdpfx.bin");

    @Option(names = "--no-joliet", description = "Leave out the Joliet tree.")
    boolean noJoliet;

    @Option(names = "--no-rock-ridge", description = "Leave out Rock Ridge.")
    boolean noRockRidge;

    @Option(
        names = "--preserve-modes",
        description = "Keep permission bits as on disk (default: 0755/0644 normalized).")
    boolean preserveModes;

    @Option(names = "--uid", description = "Owner in Rock Ridge (default: ${DEFAULT-VALUE}).")
    int uid;

    @Option(names = "--gid", description = "Group in Rock Ridge (default: ${DEFAULT-VALUE}).")
    int gid;

    @Override
    public Integer call() throws IOException {
      IsoWriter.Builder b =
          IsoWriter.builder()
              .sourceDateEpoch(epoch())
              .joliet(!noJoliet)
              .rockRidge(!noRockRidge)
              .ownership(uid, gid)
              .modePolicy(
                  preserveModes ? IsoWriter.ModePolicy.PRESERVE : IsoWriter.ModePolicy.NORMALIZE)
              .bootCatalog(bootCatalog);
      try {
        b.volumeId(volumeId);
        if (biosBoot != null) {
          b.biosBoot(biosBoot, bootLoadSize, !noBootInfoTable);
        }
        if (efiBoot != null) {
          b.efiBoot(efiBoot);
        }
        if (hybrid) {
          byte[] mbr = Files.isRegularFile(hybridMbr) ? Files.readAllBytes(hybridMbr) : null;
          b.hybrid(mbr, true);
        }
        long n = b.build().write(IsoTree.fromDirectory(dir), output);
        spec.commandLine().getOut().printf("%s: %d bytes%n", output, n);
      } catch (IllegalArgumentException e) {
        throw new UserException(e.getMessage(), e);
      }
      return 0;
    }

    private long epoch() {
      if (sourceDateEpoch != null) {
        return sourceDateEpoch;
      }
      String env = System.getenv("SOURCE_DATE_EPOCH");
      try {
        return env == null || env.isBlank() ? 0 : Long.parseLong(env.strip());
      } catch (NumberFormatException e) {
        throw new UserException("SOURCE_DATE_EPOCH is not a number: " + env, e);
      }
    }
  }

  /** Options shared by ls and extract. */
  static final class Source {
    @Parameters(index = "0", paramLabel = "FILE", description = "The ISO image.")
    Path iso;

    @Option(
        names = "--names",
        description =
            "Name source: auto, rock-ridge, joliet or iso9660 (default: ${DEFAULT-VALUE}).")
    String names = "auto";

    IsoReader open() throws IOException {
      IsoReader.NameSource pref =
          switch (names.toLowerCase(Locale.ROOT)) {
            case "auto", "rock-ridge", "rr" -> IsoReader.NameSource.ROCK_RIDGE;
            case "joliet" -> IsoReader.NameSource.JOLIET;
            case "iso9660", "plain" -> IsoReader.NameSource.ISO9660;
            default -> throw new UserException("unknown --names '" + names + "'");
          };
      if (!Files.isRegularFile(iso)) {
        throw new UserException("no such image file: " + iso);
      }
      return IsoReader.open(FileChannel.open(iso), IsoReader.Limits.defaults(), pref);
    }
  }

  /** {@code plinth iso ls FILE}. */
  @Command(
      name = "ls",
      mixinStandardHelpOptions = true,
      description = "List the entries of an ISO image: mode, owner, size, path.")
  static final class Ls implements Callable<Integer> {
    @Spec CommandSpec spec;

    @picocli.CommandLine.Mixin Source source;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      try (IsoReader r = source.open()) {
        out.printf("# volume %s, names from %s%n", r.volumeId(), r.nameSource());
        for (IsoEntry e : r.entries()) {
          char t =
              switch (e.type()) {
                case DIRECTORY -> 'd';
                case SYMLINK -> 'l';
                case FILE -> '-';
              };
          out.printf(
              "%c%04o %5d %5d %12d %s%s%n",
              t,
              e.mode(),
              e.uid(),
              e.gid(),
              e.size(),
              e.path(),
              e.linkTarget() == null ? "" : " -> " + e.linkTarget());
        }
      }
      return 0;
    }
  }

  /** {@code plinth iso extract FILE -o DIR}. */
  @Command(
      name = "extract",
      mixinStandardHelpOptions = true,
      description = "Extract every file, directory and link of an ISO image into DIR.")
  static final class Extract implements Callable<Integer> {
    @Spec CommandSpec spec;

    @picocli.CommandLine.Mixin Source source;

    @Option(
        names = {"-o", "--output"},
        required = true,
        paramLabel = "DIR",
        description = "Directory to extract into (created; existing files are not overwritten).")
    Path output;

    @Override
    public Integer call() throws IOException {
      try (IsoReader r = source.open()) {
        r.extractAll(output);
        spec.commandLine()
            .getOut()
            .printf("%d entries extracted to %s%n", r.entries().size(), output);
      }
      return 0;
    }
  }
}
