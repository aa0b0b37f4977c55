/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Every path under the controller's data directory. No other class builds a path in it.
 *
 * <pre>
 * DATA/                      (0700; /var/lib/plinth under systemd, ./var in a checkout)
 * ├── admin.token            first admin API token, 0600, written once on first start
 * ├── plinth.db              SQLite state (WAL: plinth.db-wal, plinth.db-shm)
 * ├── secrets/               secret.key: AES-256 key sealing BMC passwords and job secrets (0600)
 * ├── registry/              the embedded OCI registry's storage root
 * ├── media/                 task ISOs and maintenance ISOs served to BMCs
 * ├── native/                native libraries unpacked from jars once (sqlite-jdbc's), by version
 * └── tmp/                   staging for atomic writes (same filesystem as the above)
 * </pre>
 */
public record Layout(Path root) {

  public Layout {
    root = root.toAbsolutePath().normalize();
  }

  public Path adminToken() {
    return root.resolve("admin.token");
  }

  public Path database() {
    return root.resolve("plinth.db");
  }

  public Path secrets() {
    return root.resolve("secrets");
  }

  /** The key that seals BMC passwords and job secrets at rest (32 bytes, 0600). */
  public Path secretKey() {
    return secrets().resolve("secret.key");
  }

  public Path registry() {
    return root.resolve("registry");
  }

  public Path media() {
    return root.resolve("media");
  }

  /** Native libraries unpacked from their jars once, by version, instead of at every start. */
  public Path nativeLibs() {
    return root.resolve("native");
  }

  public Path tmp() {
    return root.resolve("tmp");
  }

  /** Creates the directory tree (owner-only) where it is missing. */
  public Layout create() throws IOException {
    for (Path p : new Path[] {root, secrets(), registry(), media(), tmp()}) {
      Files.createDirectories(p);
    }
    Files.setPosixFilePermissions(
        root, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    return this;
  }
}
