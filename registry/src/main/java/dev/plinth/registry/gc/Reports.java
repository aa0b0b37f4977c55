/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.gc;

import java.util.List;

/** Results of maintenance runs. */
public final class Reports {
  private Reports() {}

  /**
   * A garbage collection.
   *
   * @param marked blobs reachable from some manifest
   * @param deleted blobs deleted (or that would be, in a dry run)
   * @param bytesFreed their total size
   * @param keptYoung unreferenced blobs kept because they are within the grace period
   * @param uploadsExpired abandoned upload sessions removed
   * @param dryRun whether nothing was deleted
   */
  public record Gc(
      int marked,
      List<String> deleted,
      long bytesFreed,
      int keptYoung,
      int uploadsExpired,
      boolean dryRun) {}

  /**
   * A retention run.
   *
   * @param tagsDeleted {@code repo:tag} removed
   * @param manifestsDeleted {@code repo@digest} removed
   * @param dryRun whether nothing was deleted
   */
  public record Retention(
      List<String> tagsDeleted, List<String> manifestsDeleted, boolean dryRun) {}

  /**
   * An fsck.
   *
   * @param problems inconsistencies found, one line each
   * @param repaired how many were repaired
   * @param blobsChecked blobs whose digest was verified
   */
  public record Fsck(List<String> problems, int repaired, int blobsChecked) {
    public boolean clean() {
      return problems.isEmpty();
    }
  }
}
