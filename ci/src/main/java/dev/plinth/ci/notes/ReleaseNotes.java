/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.notes;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Release notes in Markdown from the git history between two refs.
 *
 * <ul>
 *   <li>Breaking changes: a {@code type!:} / {@code type(scope)!:} subject, or a {@code BREAKING
 *       CHANGE:} / {@code BREAKING-CHANGE:} trailer (its text is the note).
 *   <li>Recipe schema changes: the diff of {@code
 *       recipes/src/main/resources/.../recipe.schema.json} (the first {@code *.schema.json} under
 *       {@code recipes/} outside {@code history/}) between the refs.
 *   <li>Database migrations: Flyway files ({@code db/migration/.../V<n>__*.sql}) added.
 *   <li>Security fixes: a {@code security:} / {@code fix(security):} subject, a {@code Security:}
 *       trailer, or a CVE / GHSA id in the message.
 *   <li>Upgrade notes: {@code Upgrade-Note:} trailers.
 *   <li>All changes: every commit subject.
 * </ul>
 */
public final class ReleaseNotes {
  private static final Pattern BANG = Pattern.compile("^[a-zA-Z]+(\\([^)]*\\))?!:\\s*(.*)");
  private static final Pattern SECURITY_SUBJECT =
      Pattern.compile("^(security|fix\\(security\\))(\\([^)]*\\))?:.*", Pattern.CASE_INSENSITIVE);
  private static final Pattern ADVISORY =
      Pattern.compile("\\b(CVE-\\d{4}-\\d{4,}|GHSA(-[0-9a-z]{4}){3})\\b");
  private static final Pattern MIGRATION =
      Pattern.compile("(.*/)?db/migration/(.*/)?[VR]\\d*[^/]*__[^/]+\\.sql");

  private final Git git;

  public ReleaseNotes(Path repo) {
    this.git = new Git(repo);
  }

  /** A commit: short id, subject, body. */
  record Commit(String id, String subject, String body) {}

  /**
   * The last tag before {@code to} ({@code git describe --tags --abbrev=0 to^}), empty when there
   * is none (then the notes cover the whole history).
   */
  public Optional<String> lastTag(String to) {
    return git.tryRun("describe", "--tags", "--abbrev=0", to + "^").map(String::strip);
  }

  /** The notes from {@code since} (a tag, or null for the whole history) to {@code to}. */
  public String render(String since, String to, String title) {
    String range = since == null ? to : since + ".." + to;
    String log = git.run("log", "--no-merges", "--format=%h%x1f%s%x1f%b%x1e", range);
    List<Commit> commits = new ArrayList<>();
    for (String rec : log.split("\u001e")) {
      String r = rec.strip();
      if (r.isEmpty()) {
        continue;
      }
      String[] f = r.split("\u001f", -1);
      commits.add(new Commit(f[0], f.length > 1 ? f[1] : "", f.length > 2 ? f[2].strip() : ""));
    }
    List<String> breaking = new ArrayList<>();
    List<String> security = new ArrayList<>();
    List<String> upgrade = new ArrayList<>();
    for (Commit c : commits) {
      Matcher m = BANG.matcher(c.subject());
      List<String> trailers = trailers(c.body(), "BREAKING CHANGE", "BREAKING-CHANGE");
      if (!trailers.isEmpty()) {
        trailers.forEach(t -> breaking.add(t + " (" + c.id() + ")"));
      } else if (m.matches()) {
        breaking.add(m.group(2) + " (" + c.id() + ")");
      }
      List<String> sec = trailers(c.body(), "Security");
      Matcher adv = ADVISORY.matcher(c.subject() + "\n" + c.body());
      if (!sec.isEmpty()) {
        sec.forEach(t -> security.add(c.subject() + ": " + t + " (" + c.id() + ")"));
      } else if (SECURITY_SUBJECT.matcher(c.subject()).matches() || adv.find()) {
        security.add(c.subject() + " (" + c.id() + ")");
      }
      trailers(c.body(), "Upgrade-Note").forEach(t -> upgrade.add(t + " (" + c.id() + ")"));
    }
    StringBuilder md = new StringBuilder();
    md.append("# ").append(title).append("\n\n");
    md.append(
            since == null
                ? "Changes in the whole history up to `" + to + "`"
                : "Changes since `" + since + "`")
        .append(" (")
        .append(commits.size())
        .append(" commits).\n\n");
    section(md, "Breaking changes", breaking);
    md.append("## Recipe schema changes\n\n").append(schemaChanges(since, to)).append("\n");
    section(md, "Database migrations", migrations(since, to));
    section(md, "Security fixes", security);
    section(md, "Upgrade notes", upgrade);
    List<String> all = commits.stream().map(c -> c.subject() + " (" + c.id() + ")").toList();
    section(md, "All changes", all);
    return md.toString();
  }

  private static void section(StringBuilder md, String title, List<String> items) {
    md.append("## ").append(title).append("\n\n");
    if (items.isEmpty()) {
      md.append("None.\n\n");
      return;
    }
    items.forEach(i -> md.append("- ").append(i.replace("\n", " ")).append("\n"));
    md.append("\n");
  }

  /** Trailer values ({@code Name: value} lines, continuation lines joined) of a message body. */
  static List<String> trailers(String body, String... names) {
    List<String> out = new ArrayList<>();
    String[] lines = body.split("\n");
    for (int i = 0; i < lines.length; i++) {
      for (String n : names) {
        if (lines[i].regionMatches(true, 0, n + ":", 0, n.length() + 1)) {
          StringBuilder v = new StringBuilder(lines[i].substring(n.length() + 1).strip());
          while (i + 1 < lines.length && lines[i + 1].startsWith(" ")) {
            v.append(' ').append(lines[++i].strip());
          }
          out.add(v.toString());
        }
      }
    }
    return out;
  }

  /** The recipe schema file at {@code ref}, if any. */
  Optional<String> schemaFile(String ref) {
    String files = git.tryRun("ls-tree", "-r", "--name-only", ref, "--", "recipes/").orElse("");
    return files
        .lines()
        .filter(f -> f.endsWith(".schema.json") && !f.contains("/history/"))
        .sorted()
        .findFirst();
  }

  private String schemaChanges(String since, String to) {
    Optional<String> file = schemaFile(to);
    if (file.isEmpty()) {
      return "No recipe schema in `" + to + "`.\n";
    }
    if (since == null) {
      return "First release: the schema is `" + file.get() + "` as of `" + to + "`.\n";
    }
    String diff = git.run("diff", "--no-color", since, to, "--", file.get());
    if (diff.isBlank()) {
      return "None (`" + file.get() + "` is unchanged).\n";
    }
    return "`" + file.get() + "` changed:\n\n```diff\n" + diff.strip() + "\n```\n";
  }

  private List<String> migrations(String since, String to) {
    String out =
        since == null
            ? git.run("ls-tree", "-r", "--name-only", to)
            : git.run("diff", "--name-only", "--diff-filter=A", since, to);
    return out.lines()
        .filter(f -> MIGRATION.matcher(f).matches())
        .map(f -> "`" + f + "`")
        .sorted()
        .toList();
  }
}
