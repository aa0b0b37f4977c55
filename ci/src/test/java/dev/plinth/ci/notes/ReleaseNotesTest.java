/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.notes;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Builds a throwaway git repository with a tagged first release and a second one's history. */
class ReleaseNotesTest {
  static final String SCHEMA = "recipes/src/main/resources/dev/plinth/recipes/recipe.schema.json";
  static final String MIGRATIONS = "controller/src/main/resources/db/migration/postgresql/";

  @TempDir Path repo;

  void git(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("git", "-C", repo.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment()
        .putAll(
            Map.of(
                "GIT_AUTHOR_NAME",
                "t",
                "GIT_AUTHOR_EMAIL",
                "t@example.org",
                "GIT_COMMITTER_NAME",
                "t",
                "GIT_COMMITTER_EMAIL",
                "t@example.org",
                "GIT_CONFIG_NOSYSTEM",
                "1",
                "HOME",
                repo.toString()));
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as("git " + String.join(" ", args) + ": " + out).isZero();
  }

  void commit(String message, String file, String content) throws Exception {
    Path f = repo.resolve(file);
    Files.createDirectories(f.getParent());
    Files.writeString(f, content);
    git("add", file);
    git("commit", "-q", "-m", message);
  }

  @BeforeEach
  void history() throws Exception {
    git("init", "-q", "-b", "main");
    commit("recipes: first schema", SCHEMA, "{\n  \"required\": [\"name\"]\n}\n");
    commit("controller: state tables", MIGRATIONS + "V1__state.sql", "create table x(i int);\n");
    git("tag", "-a", "v0.1.0", "-m", "v0.1.0");
    commit(
        "recipes!: a recipe needs a target",
        SCHEMA,
        "{\n  \"required\": [\"name\", \"target\"]\n}\n");
    commit(
        "controller: job inputs table\n\nUpgrade-Note: run plinth migrate before starting 0.2.0",
        MIGRATIONS + "V2__job_inputs.sql",
        "create table y(i int);\n");
    commit(
        "registry: refuse path traversal in blob uploads\n\nSecurity: a crafted upload name could"
            + " write outside\n the storage directory",
        "registry/x.txt",
        "1\n");
    commit(
        "api: rename /jobs to /provisionings\n\nBREAKING CHANGE: clients must use /provisionings",
        "api.txt",
        "2\n");
    commit("deps: bump netty for CVE-2099-1234", "deps.txt", "3\n");
    commit("docs: typo", "README.md", "4\n");
  }

  @Test
  void notesSinceTheLastTag() {
    ReleaseNotes n = new ReleaseNotes(repo);
    assertThat(n.lastTag("HEAD")).contains("v0.1.0");
    String md = n.render("v0.1.0", "HEAD", "Plinth 0.2.0");
    assertThat(md).startsWith("# Plinth 0.2.0\n\nChanges since `v0.1.0` (6 commits).");
    assertThat(section(md, "Breaking changes"))
        .contains("- clients must use /provisionings (")
        .contains("- a recipe needs a target (")
        .doesNotContain("docs: typo");
    assertThat(section(md, "Recipe schema changes"))
        .contains("`" + SCHEMA + "` changed:")
        .contains("-  \"required\": [\"name\"]")
        .contains("+  \"required\": [\"name\", \"target\"]");
    assertThat(section(md, "Database migrations"))
        .contains("- `" + MIGRATIONS + "V2__job_inputs.sql`")
        .doesNotContain("V1__state.sql");
    assertThat(section(md, "Security fixes"))
        .contains(
            "registry: refuse path traversal in blob uploads: a crafted upload name could write"
                + " outside the storage directory")
        .contains("deps: bump netty for CVE-2099-1234")
        .doesNotContain("docs: typo");
    assertThat(section(md, "Upgrade notes")).contains("- run plinth migrate before starting 0.2.0");
    assertThat(section(md, "All changes")).contains("- docs: typo (");
  }

  @Test
  void withoutATagTheWholeHistoryAndTheCommandWritesAFile() throws Exception {
    git("tag", "-d", "v0.1.0");
    Path out = repo.resolve("notes.md");
    StringWriter sw = new StringWriter();
    CommandLine cl = new CommandLine(new ReleaseNotesCommand());
    cl.setOut(new PrintWriter(sw));
    int rc =
        cl.execute(
            "--repo", repo.toString(), "--since", "auto", "--to", "HEAD", "--out", out.toString());
    assertThat(rc).isZero();
    String md = Files.readString(out);
    assertThat(md).contains("Changes in the whole history up to `HEAD` (8 commits).");
    assertThat(section(md, "Recipe schema changes")).contains("First release");
    assertThat(section(md, "Database migrations"))
        .contains("V1__state.sql")
        .contains("V2__job_inputs.sql");
  }

  @Test
  void anUnchangedSchemaAndNoBreakingChangeSayNone() throws Exception {
    git("tag", "v0.2.0");
    commit("docs: more", "README.md", "5\n");
    String md = new ReleaseNotes(repo).render("v0.2.0", "HEAD", "x");
    assertThat(section(md, "Breaking changes")).isEqualTo("None.");
    assertThat(section(md, "Recipe schema changes")).startsWith("None (");
    assertThat(section(md, "Database migrations")).isEqualTo("None.");
  }

  static String section(String md, String title) {
    int i = md.indexOf("## " + title + "\n");
    assertThat(i).as("section " + title).isNotNegative();
    int start = i + title.length() + 4;
    int end = md.indexOf("\n## ", start);
    return md.substring(start, end < 0 ? md.length() : end).strip();
  }
}
