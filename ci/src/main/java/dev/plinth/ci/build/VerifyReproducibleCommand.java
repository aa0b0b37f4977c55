/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.build;

import dev.plinth.ci.artifact.Artifact;
import dev.plinth.ci.artifact.Inventory;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ci verify-reproducible}: two builds of one commit must have the same artifacts with the
 * same hashes. Either two dist directories, or one and a rebuild from a clean checkout ({@code git
 * worktree} at the same commit).
 */
@Command(
    name = "verify-reproducible",
    mixinStandardHelpOptions = true,
    description = {
      "Compare every artifact's hash between two builds of one commit; names any that differ.",
      "--dist A --dist B compares two dist directories; --dist A --rebuild builds again from a",
      "clean git worktree of A's commit (Maven package + ci build) and compares."
    })
public final class VerifyReproducibleCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--dist",
      required = true,
      paramLabel = "DIR",
      description = "A dist directory (once or twice).")
  List<Path> dists;

  @Option(names = "--rebuild", description = "Rebuild from a clean worktree of the same commit.")
  boolean rebuild;

  @Option(names = "--repo", paramLabel = "DIR", description = "Repository (for --rebuild).")
  Path repo = Path.of(".");

  @Option(
      names = "--reuse",
      split = ",",
      paramLabel = "PART",
      description =
          "For --rebuild: parts taken from A instead of rebuilt: tools, ci-os, mos (their own ITs prove them reproducible).")
  List<String> reuse = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    Path a = dists.get(0).toAbsolutePath().normalize();
    Path b;
    if (rebuild) {
      b = rebuild(a, out);
    } else if (dists.size() == 2) {
      b = dists.get(1).toAbsolutePath().normalize();
    } else {
      spec.commandLine()
          .getErr()
          .println("ci verify-reproducible: give --dist twice, or --rebuild");
      return 2;
    }
    List<String> diffs = compare(Inventory.read(a), Inventory.read(b));
    Map<String, String> sa = Sums.read(a.resolve(Sums.FILE_NAME));
    Map<String, String> sb = Sums.read(b.resolve(Sums.FILE_NAME));
    for (String p : new TreeSet<>(union(sa.keySet(), sb.keySet()))) {
      if (!java.util.Objects.equals(sa.get(p), sb.get(p))) {
        diffs.add(p + ": SHA256SUMS " + sa.get(p) + " vs " + sb.get(p));
      }
    }
    if (!diffs.isEmpty()) {
      diffs.forEach(d -> spec.commandLine().getErr().println("NOT reproducible: " + d));
      return 1;
    }
    out.printf(
        "reproducible: %d artifacts of %s identical in %s and %s%n",
        Inventory.read(a).artifacts().size(), Inventory.read(a).commit(), a, b);
    return 0;
  }

  /** The differences between two inventories, one line each naming the artifact. */
  public static List<String> compare(Inventory a, Inventory b) {
    List<String> diffs = new ArrayList<>();
    if (!a.commit().equals(b.commit())) {
      diffs.add("commit: " + a.commit() + " vs " + b.commit() + " (not the same source)");
    }
    if (a.sourceDateEpoch() != b.sourceDateEpoch()) {
      diffs.add("sourceDateEpoch: " + a.sourceDateEpoch() + " vs " + b.sourceDateEpoch());
    }
    TreeSet<String> names = new TreeSet<>();
    a.artifacts().forEach(x -> names.add(x.name()));
    b.artifacts().forEach(x -> names.add(x.name()));
    for (String n : names) {
      Artifact x = a.find(n).orElse(null);
      Artifact y = b.find(n).orElse(null);
      if (x == null || y == null) {
        diffs.add(n + ": only in " + (x == null ? "the second" : "the first") + " build");
      } else if (!x.digest().equals(y.digest())) {
        diffs.add(n + ": " + x.digest() + " vs " + y.digest());
      }
    }
    return diffs;
  }

  private Path rebuild(Path a, PrintWriter out) throws IOException {
    Inventory inv = Inventory.read(a);
    Path top = repo.toAbsolutePath().normalize();
    Path wt = Files.createTempDirectory("ci-rebuild");
    Files.delete(wt);
    out.printf("ci verify-reproducible: clean worktree of %s at %s%n", inv.commit(), wt);
    Proc.output(top, "git", "worktree", "add", "--detach", wt.toString(), inv.commit());
    try {
      Path b = wt.resolve("dist");
      List<String> args =
          new ArrayList<>(
              List.of(
                  "--dist",
                  b.toString(),
                  "--version",
                  inv.version(),
                  "--repo",
                  wt.toString(),
                  "--maven"));
      List<String> skip = new ArrayList<>();
      for (String part : List.of("tools", "ci-os", "mos")) {
        boolean has = inv.artifacts().stream().anyMatch(x -> partOf(x).equals(part));
        if (!has) {
          skip.add(part);
        } else if (reuse.contains(part)) {
          Path dir = Files.createTempDirectory(wt, "reuse-" + part);
          for (Artifact x : inv.artifacts()) {
            if (partOf(x).equals(part)) {
              Path src = a.resolve(x.path());
              Path dst =
                  dir.resolve(
                      part.equals("mos") && x.kind() == Artifact.Kind.FILE
                          ? "maintenance.iso"
                          : src.getFileName().toString());
              if (!Files.exists(dst)) {
                ReleaseBuild.link(src, dst);
              }
            }
          }
          args.addAll(
              List.of(part.equals("tools") ? "--tools-images" : "--" + part, dir.toString()));
        }
      }
      if (!skip.isEmpty()) {
        args.addAll(List.of("--skip", String.join(",", skip)));
      }
      int rc =
          new picocli.CommandLine(new BuildCommand())
              .setOut(out)
              .setErr(spec.commandLine().getErr())
              .execute(args.toArray(String[]::new));
      if (rc != 0) {
        throw new IOException("the rebuild failed (exit " + rc + ")");
      }
      Path kept = Files.createTempDirectory("ci-rebuild-dist");
      Files.delete(kept);
      Files.move(b, kept);
      return kept;
    } finally {
      Proc.run(
          top,
          List.of("git", "worktree", "remove", "--force", wt.toString()),
          Map.of(),
          Duration.ofMinutes(2),
          null);
    }
  }

  private static String partOf(Artifact x) {
    if (x.name().startsWith("tools/")) {
      return "tools";
    }
    if (x.name().startsWith("ci-only/")) {
      return "ci-os";
    }
    if (x.name().startsWith("maintenance")) {
      return "mos";
    }
    return "";
  }

  private static <T> java.util.Set<T> union(java.util.Set<T> x, java.util.Set<T> y) {
    java.util.Set<T> u = new HashSet<>(x);
    u.addAll(y);
    return u;
  }
}
