/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.store;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * One provisioning run of a recipe on a machine.
 *
 * @param recipe the recipe as submitted (JSON); what runs is the execution plan compiled from it at
 *     submit, stored beside the job ({@link JobStore#plan})
 * @param tokenHash SHA-256 of the job's token (the dispatcher's bearer token)
 * @param sealedSecret the job token and webhook HMAC key, sealed by {@code SecretBox}
 * @param mediaId the unguessable path component of this job's media URLs
 * @param nextSeq the sequence number the next dispatcher event must carry
 * @param deadlineAt when the current state times out, or null
 * @param inputs the job's inputs ({@code ${inputs.NAME}} in the recipe), sorted by name
 */
public record Job(
    String id,
    String machineId,
    String machineName,
    String bmcHost,
    String recipe,
    JobState state,
    String reason,
    String lastStep,
    Instant deadlineAt,
    boolean cancelRequested,
    String tokenHash,
    String sealedSecret,
    String mediaId,
    long nextSeq,
    String leaseOwner,
    Instant leaseUntil,
    long version,
    Instant createdAt,
    Instant updatedAt,
    Instant finishedAt,
    Map<String, String> inputs) {

  public Job {
    inputs =
        inputs == null
            ? Map.of()
            : java.util.Collections.unmodifiableSortedMap(new TreeMap<>(inputs));
  }

  /** A job without inputs. */
  public Job(
      String id,
      String machineId,
      String machineName,
      String bmcHost,
      String recipe,
      JobState state,
      String reason,
      String lastStep,
      Instant deadlineAt,
      boolean cancelRequested,
      String tokenHash,
      String sealedSecret,
      String mediaId,
      long nextSeq,
      String leaseOwner,
      Instant leaseUntil,
      long version,
      Instant createdAt,
      Instant updatedAt,
      Instant finishedAt) {
    this(
        id,
        machineId,
        machineName,
        bmcHost,
        recipe,
        state,
        reason,
        lastStep,
        deadlineAt,
        cancelRequested,
        tokenHash,
        sealedSecret,
        mediaId,
        nextSeq,
        leaseOwner,
        leaseUntil,
        version,
        createdAt,
        updatedAt,
        finishedAt,
        Map.of());
  }

  @Override
  public String toString() {
    return "Job[" + id + " " + machineName + " " + state + "]";
  }
}
