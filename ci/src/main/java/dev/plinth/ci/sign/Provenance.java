/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.sign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.plinth.ci.artifact.Artifact;
import dev.plinth.ci.artifact.Inventory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * SLSA provenance v1 as an in-toto Statement v1 about one artifact: the subject is the artifact's
 * name and sha256 (a file's bytes, an image's manifest), the build definition names the source
 * commit and the lock files the build resolved packages from, the run details the builder.
 */
public final class Provenance {

  public static final String STATEMENT_TYPE = "https://in-toto.io/Statement/v1";

  public static final String PREDICATE_TYPE = "https://slsa.dev/provenance/v1";

  public static final String BUILD_TYPE = "https://plinth.dev/ci/build/v1";

  /**
   * A build material.
   *
   * @param name path in the repository (or "source")
   * @param uri where it comes from
   * @param algorithm digest algorithm key ({@code sha256}, {@code gitCommit})
   * @param digest hex digest
   */
  public record Material(String name, String uri, String algorithm, String digest) {}

  private Provenance() {}

  /** The statement's subject name: the file's name, or the image's repository. */
  public static String subjectName(Artifact a) {
    return a.kind() == Artifact.Kind.FILE
        ? Path.of(a.path()).getFileName().toString()
        : a.repository();
  }

  /** The statement for {@code a}. */
  public static byte[] statement(
      Inventory inv, Artifact a, String builderId, String sourceUri, List<Material> materials) {
    ObjectNode s = Bundles.JSON.createObjectNode();
    s.put("_type", STATEMENT_TYPE);
    ObjectNode subject = s.putArray("subject").addObject();
    subject.put("name", subjectName(a));
    subject.putObject("digest").put("sha256", a.hex());
    s.put("predicateType", PREDICATE_TYPE);
    ObjectNode predicate = s.putObject("predicate");
    ObjectNode def = predicate.putObject("buildDefinition");
    def.put("buildType", BUILD_TYPE);
    ObjectNode ext = def.putObject("externalParameters");
    ext.putObject("source").put("uri", sourceUri).put("commit", inv.commit());
    ext.put("version", inv.version());
    ext.put("sourceDateEpoch", inv.sourceDateEpoch());
    ext.put("artifact", a.name());
    ext.put("kind", a.kind().name());
    if (a.repository() != null) {
      ext.put("repository", a.repository());
    }
    ArrayNode deps = def.putArray("resolvedDependencies");
    for (Material m : materials) {
      ObjectNode d = deps.addObject();
      d.put("name", m.name());
      d.put("uri", m.uri());
      d.putObject("digest").put(m.algorithm(), m.digest());
    }
    ObjectNode run = predicate.putObject("runDetails");
    run.putObject("builder").put("id", builderId);
    String runId = System.getenv("GITHUB_RUN_ID");
    if (runId != null && !runId.isBlank()) {
      run.putObject("metadata")
          .put(
              "invocationId",
              runId + "/" + System.getenv().getOrDefault("GITHUB_RUN_ATTEMPT", "1"));
    }
    try {
      return Bundles.JSON.writeValueAsBytes(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The materials: the source commit, then every {@code *.lock} file under {@code source} (the
   * Debian package locks of the images and the ISO), sorted by path, with its sha256.
   */
  public static List<Material> materials(Path source, String sourceUri, String commit)
      throws IOException {
    List<Material> out = new ArrayList<>();
    out.add(new Material("source", "git+" + sourceUri + "@" + commit, "gitCommit", commit));
    List<Path> locks;
    try (Stream<Path> walk = Files.walk(source)) {
      locks =
          walk.filter(p -> p.getFileName().toString().endsWith(".lock"))
              .filter(Files::isRegularFile)
              .filter(p -> !skipped(source.relativize(p)))
              .sorted()
              .toList();
    }
    for (Path p : locks) {
      String rel = source.relativize(p).toString().replace('\\', '/');
      out.add(
          new Material(
              rel,
              "git+" + sourceUri + "@" + commit + "#" + rel,
              "sha256",
              HexFormat.of().formatHex(Bundles.sha256(p))));
    }
    return out;
  }

  private static boolean skipped(Path rel) {
    for (Path part : rel) {
      String n = part.toString();
      if (n.startsWith("target") || n.startsWith(".") || n.equals("node_modules")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Checks that {@code payload} is an SLSA v1 statement whose only subject is {@code a}.
   *
   * @throws VerificationException if it is not
   */
  public static void check(byte[] payload, Artifact a) throws VerificationException {
    JsonNode s;
    try {
      s = Bundles.JSON.readTree(new String(payload, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new VerificationException("provenance is not JSON");
    }
    if (!STATEMENT_TYPE.equals(s.path("_type").asText())
        || !PREDICATE_TYPE.equals(s.path("predicateType").asText())) {
      throw new VerificationException(
          "provenance is not an in-toto v1 SLSA provenance v1 statement");
    }
    JsonNode subjects = s.path("subject");
    if (subjects.size() != 1) {
      throw new VerificationException(
          "provenance has " + subjects.size() + " subjects, expected 1");
    }
    JsonNode sub = subjects.get(0);
    String hex = sub.path("digest").path("sha256").asText();
    if (!a.hex().equals(hex)) {
      throw new VerificationException(
          "provenance subject sha256 " + hex + " is not the artifact's " + a.hex());
    }
    if (!subjectName(a).equals(sub.path("name").asText())) {
      throw new VerificationException(
          "provenance subject is " + sub.path("name").asText() + ", not " + subjectName(a));
    }
    if (s.path("predicate").path("runDetails").path("builder").path("id").asText().isEmpty()) {
      throw new VerificationException("provenance names no builder");
    }
  }
}
