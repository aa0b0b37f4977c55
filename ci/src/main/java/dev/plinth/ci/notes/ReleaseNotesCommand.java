/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.notes;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ci release-notes}: Markdown release notes from the git history. */
@Command(
    name = "release-notes",
    mixinStandardHelpOptions = true,
    description =
        "Release notes (Markdown) from the commits since the last tag: breaking changes, recipe"
            + " schema diff, migrations added, security fixes, upgrade notes.")
public final class ReleaseNotesCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--since",
      defaultValue = "auto",
      description = "Tag to start after, or auto (the last tag before --to; none: whole history).")
  String since;

  @Option(names = "--to", defaultValue = "HEAD", description = "The release ref. Default: HEAD.")
  String to;

  @Option(names = "--repo", defaultValue = ".", description = "The git repository.")
  Path repo;

  @Option(names = "--title", description = "Heading. Default: 'Plinth <to>'.")
  String title;

  @Option(names = "--out", description = "Write here instead of standard output.")
  Path out;

  @Override
  public Integer call() throws Exception {
    ReleaseNotes notes = new ReleaseNotes(repo);
    String from = since.equals("auto") ? notes.lastTag(to).orElse(null) : since;
    String md = notes.render(from, to, title != null ? title : "Plinth " + to);
    if (out != null) {
      Files.writeString(out, md, StandardCharsets.UTF_8);
      spec.commandLine().getOut().println("ci release-notes: wrote " + out);
    } else {
      spec.commandLine().getOut().print(md);
    }
    return 0;
  }
}
