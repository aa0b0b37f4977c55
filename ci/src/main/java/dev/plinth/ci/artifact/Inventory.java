/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.artifact;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * {@code artifacts.json}: what one build produced, sorted by name so two builds of one commit write
 * the same bytes.
 *
 * @param version release version ({@code 0.1.0}, {@code 0.1.0-rc.1}, or a snapshot)
 * @param commit the git commit built
 * @param sourceDateEpoch SOURCE_DATE_EPOCH used (the commit's time)
 * @param artifacts every deliverable
 */
public record Inventory(
    String version, String commit, long sourceDateEpoch, List<Artifact> artifacts) {

  /** The file name in the dist directory. */
  public static final String FILE_NAME = "artifacts.json";

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  public Inventory {
    artifacts = artifacts.stream().sorted(Comparator.comparing(Artifact::name)).toList();
    if (artifacts.stream().map(Artifact::name).distinct().count() != artifacts.size()) {
      throw new IllegalArgumentException("artifact names are not unique");
    }
  }

  /** Reads {@code dist/artifacts.json}. */
  public static Inventory read(Path dist) {
    Path file = dist.resolve(FILE_NAME);
    try {
      return JSON.readValue(file.toFile(), Inventory.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Writes {@code dist/artifacts.json} atomically. */
  public void write(Path dist) {
    Path file = dist.resolve(FILE_NAME);
    try {
      Files.createDirectories(dist);
      Path tmp = Files.createTempFile(dist, ".artifacts", ".tmp");
      Files.write(tmp, (JSON.writeValueAsString(this) + "\n").getBytes());
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /** The artifact called {@code name}. */
  public Optional<Artifact> find(String name) {
    return artifacts.stream().filter(a -> a.name().equals(name)).findFirst();
  }
}
