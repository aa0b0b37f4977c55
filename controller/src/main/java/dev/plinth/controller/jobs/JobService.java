/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plinth.controller.security.SecretBox;
import dev.plinth.controller.security.TokenHash;
import dev.plinth.controller.store.Job;
import dev.plinth.controller.store.JobState;
import dev.plinth.controller.store.JobStore;
import dev.plinth.controller.store.Machine;
import java.net.URI;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Optional;

/** What users do to jobs: submit a recipe for a machine, cancel. The engine does the rest. */
public final class JobService {

  private final JobStore jobs;
  private final SecretBox box;
  private final JobSettings settings;
  private final InstantSource clock;
  private final Runnable wake;

  /**
   * @param wake called after a change the engine should act on at once
   */
  public JobService(
      JobStore jobs, SecretBox box, JobSettings settings, InstantSource clock, Runnable wake) {
    this.jobs = jobs;
    this.box = box;
    this.settings = settings;
    this.clock = clock;
    this.wake = wake;
  }

  /**
   * Creates a Pending job for a validated recipe.
   *
   * @throws dev.plinth.controller.store.ConflictException when the machine has an active job
   */
  public Job submit(Machine m, JsonNode recipe) {
    Instant now = clock.instant();
    String id = Ids.timeOrdered("j", now);
    JobSecrets s = JobSecrets.create();
    Job j =
        new Job(
            id,
            m.id(),
            m.name(),
            bmcHost(m.bmcUrl()),
            recipe.toString(),
            JobState.PENDING,
            null,
            null,
            now.plus(settings.pending()),
            false,
            TokenHash.of(s.token()),
            s.seal(box, id),
            Ids.secret(""),
            1,
            null,
            null,
            1,
            now,
            now,
            null);
    Job stored = jobs.create(j);
    wake.run();
    return stored;
  }

  /** Asks for a job to stop; the engine ejects media and marks it Canceled. */
  public Optional<Job> cancel(String id) {
    Optional<Job> j = jobs.requestCancel(id, clock.instant());
    wake.run();
    return j;
  }

  /** The BMC's host and port: the unit the per-BMC limit counts. */
  static String bmcHost(String url) {
    URI u = URI.create(url);
    String host = u.getHost() == null ? url : u.getHost();
    return u.getPort() < 0 ? host : host + ":" + u.getPort();
  }
}
