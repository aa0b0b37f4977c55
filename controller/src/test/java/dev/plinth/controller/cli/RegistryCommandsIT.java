/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plinth.controller.testing.TestController;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plinth registry} against a running controller: import and export over {@code /v2}, gc,
 * retain and fsck through {@code /api/v1/registry/...} (admin only).
 */
class RegistryCommandsIT {

  static final String REPO = "plinth/tools/demo";

  @TempDir Path dir;
  TestController t;

  record Run(int code, String out, String err) {}

  @BeforeEach
  void start() throws Exception {
    t = TestController.withRegistry(dir.resolve("data"));
  }

  @AfterEach
  void stop() {
    t.close();
  }

  Run as(String token, String... args) {
    List<String> a = new ArrayList<>(List.of(args));
    a.addAll(List.of("--url", t.url(""), "--token", token));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cl = PlinthCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(a.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  Run plinth(String... args) {
    return as(t.admin(), args);
  }

  @Test
  void importsListsAndExportsOverHttpWithTheSameDigests() throws Exception {
    Path archive = dir.resolve("in.tar");
    String digest = RegistryLayouts.write(archive, REPO, "v1", 1_500_000, 1);

    Run imp = plinth("registry", "import", archive.toString());
    assertThat(imp.code()).as(imp.err()).isZero();
    assertThat(imp.out()).contains(REPO + ":v1").contains("imported 7 blobs");
    // Not a terminal: progress lines end in newlines, never a carriage return.
    assertThat(imp.err()).contains("import: 100%").doesNotContain("\r");

    // Offline into a data directory, the same archive counts the same blobs and bytes.
    Run offline =
        plinth("registry", "import", archive.toString(), "--data", dir.resolve("off").toString());
    assertThat(offline.code()).as(offline.err()).isZero();
    assertThat(offline.out().lines().toList().getLast())
        .isEqualTo(imp.out().lines().toList().getLast());
    assertThat(offline.err()).doesNotContain("\r");

    Run ls = plinth("registry", "ls", REPO, "-o", "json");
    assertThat(ls.code()).as(ls.err()).isZero();
    JsonNode tags = RegistryLayouts.JSON.readTree(ls.out());
    assertThat(tags.get(0).get("tag").asText()).isEqualTo("v1");
    assertThat(tags.get(0).get("digest").asText()).isEqualTo(digest);

    Path back = dir.resolve("out.tar");
    Run exp = plinth("registry", "export", REPO + ":v1", "-o", back.toString());
    assertThat(exp.code()).as(exp.err()).isZero();
    assertThat(exp.out()).contains("exported 7 blobs");
    assertThat(exp.err()).doesNotContain("\r");

    RegistryLayouts.Archive before = RegistryLayouts.read(archive);
    RegistryLayouts.Archive after = RegistryLayouts.read(back);
    // Every blob, manifest and the referrer came back, each checked against its digest.
    assertThat(after.blobs()).isEqualTo(before.blobs());
    JsonNode index = after.index();
    assertThat(index.path("manifests")).hasSize(2);
    assertThat(index.at("/manifests/0/digest").asText()).isEqualTo(digest);
    assertThat(index.at("/manifests/0/annotations/org.opencontainers.image.ref.name").asText())
        .isEqualTo("v1");
    assertThat(index.at("/manifests/1/annotations/dev.plinth.repository").asText()).isEqualTo(REPO);

    // A second import finds every blob present (HEAD 200) and still tags the image.
    Run again = plinth("registry", "import", back.toString(), "--repo", "plinth/tools/copy");
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(again.out()).contains("plinth/tools/copy:v1");

    Run unknown =
        plinth("registry", "export", REPO + ":nope", "-o", dir.resolve("x.tar").toString());
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).contains("no such image").doesNotContain("internal error");
    assertThat(dir.resolve("x.tar")).doesNotExist();
    assertThat(dir.resolve("x.tar.part")).doesNotExist();
  }

  @Test
  void gcRetainAndFsckRunInTheControllerForAdminsOnly() throws Exception {
    Path archive = dir.resolve("in.tar");
    RegistryLayouts.write(archive, REPO, "v1", 1000, 2);
    assertThat(plinth("registry", "import", archive.toString()).code()).isZero();
    // A blob no manifest references, uploaded two hours ago.
    String stray = pushStrayBlob("left over");
    Path strayFile =
        t.controller
            .layout()
            .registry()
            .resolve("blobs/sha256/" + stray.substring(7, 9) + "/" + stray.substring(7));
    Files.setLastModifiedTime(strayFile, FileTime.from(Instant.now().minusSeconds(7200)));

    Run dry = plinth("registry", "gc", "--dry-run", "-o", "json");
    assertThat(dry.code()).as(dry.err()).isZero();
    JsonNode d = RegistryLayouts.JSON.readTree(dry.out());
    assertThat(d.path("deleted").toString()).contains(stray);
    assertThat(d.path("dryRun").asBoolean()).isTrue();
    assertThat(strayFile).exists();

    Run gc = plinth("registry", "gc");
    assertThat(gc.code()).as(gc.err()).isZero();
    assertThat(gc.out()).contains("deleted " + stray).contains("1 deleted");
    assertThat(strayFile).doesNotExist();

    Run tooShort = plinth("registry", "gc", "--grace", "1m");
    assertThat(tooShort.code()).isEqualTo(2);
    assertThat(tooShort.err()).contains("at least 600").contains("--data");
    assertThat(tooShort.err().split("at least 600", -1)).as("said once").hasSize(2);

    Run retain =
        plinth(
            "registry", "retain", "--keep-last", "0", "--keep", "none", "--dry-run", "-o", "json");
    assertThat(retain.code()).as(retain.err()).isZero();
    assertThat(RegistryLayouts.JSON.readTree(retain.out()).path("tagsDeleted").toString())
        .contains(REPO + ":v1");

    Run fsck = plinth("registry", "fsck", "-o", "json");
    assertThat(fsck.code()).as(fsck.err()).isZero();
    JsonNode f = RegistryLayouts.JSON.readTree(fsck.out());
    assertThat(f.path("clean").asBoolean()).isTrue();
    assertThat(f.path("blobsChecked").asInt()).isEqualTo(7);

    // A viewer may pull, not maintain: 403 problem+json, and the CLI says so.
    String viewer =
        TestController.json(
                t.call("POST", "/api/v1/tokens", "{\"name\":\"ro\",\"role\":\"viewer\"}"))
            .path("secret")
            .asText();
    for (String op : List.of("gc", "retain", "fsck")) {
      HttpResponse<String> r = t.call("POST", "/api/v1/registry/" + op, viewer, "{}");
      assertThat(r.statusCode()).isEqualTo(403);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      assertThat(TestController.json(r).path("status").asInt()).isEqualTo(403);
    }
    HttpResponse<String> anonymous = t.call("POST", "/api/v1/registry/gc", null, null);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    Run refused = as(viewer, "registry", "fsck");
    assertThat(refused.code()).isNotZero().isNotEqualTo(70);
    assertThat(refused.err()).contains("admin");
    assertThat(as(viewer, "registry", "ls").code()).isZero();
  }

  @Test
  void offlineCommandsNeverCreateTheDataDirectory() {
    Path missing = dir.resolve("nonexistent");
    for (String[] args :
        List.of(
            new String[] {
              "registry", "export", REPO + ":v1", "-o", dir.resolve("e.tar").toString()
            },
            new String[] {"registry", "gc"},
            new String[] {"registry", "fsck"},
            new String[] {"registry", "retain", "--dry-run"},
            new String[] {"registry", "ls"})) {
      List<String> a = new ArrayList<>(List.of(args));
      a.addAll(List.of("--data", missing.toString()));
      var cl = PlinthCommand.commandLine();
      StringWriter err = new StringWriter();
      cl.setOut(new PrintWriter(new StringWriter(), true));
      cl.setErr(new PrintWriter(err, true));
      assertThat(cl.execute(a.toArray(String[]::new))).as(String.join(" ", args)).isEqualTo(2);
      assertThat(err.toString()).contains("no registry in");
      assertThat(missing).doesNotExist();
    }
  }

  /** Uploads a blob to {@link #REPO} through {@code /v2}; returns its digest. */
  private String pushStrayBlob(String content) throws Exception {
    String digest =
        dev.plinth.registry.api.Digest.sha256(
                content.getBytes(java.nio.charset.StandardCharsets.UTF_8))
            .toString();
    String basic =
        "Basic "
            + java.util.Base64.getEncoder()
                .encodeToString(
                    ("u:" + t.admin()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    var http = java.net.http.HttpClient.newHttpClient();
    var start =
        http.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(t.url("/v2/" + REPO + "/blobs/uploads/")))
                .header("Authorization", basic)
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.discarding());
    assertThat(start.statusCode()).isEqualTo(202);
    String loc = start.headers().firstValue("Location").orElseThrow();
    var put =
        http.send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(t.url("")).resolve(loc + "?digest=" + digest))
                .header("Authorization", basic)
                .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(content))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
    return digest;
  }
}
