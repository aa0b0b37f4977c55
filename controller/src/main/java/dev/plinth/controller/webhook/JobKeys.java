/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.webhook;

import dev.plinth.controller.jobs.JobSecrets;
import dev.plinth.controller.security.SecretBox;
import dev.plinth.controller.security.TokenHash;
import dev.plinth.controller.store.Job;
import dev.plinth.controller.store.JobStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The credentials a webhook request is checked against: the job's token hash and its opened HMAC
 * key, kept in memory while the job is active so that an event costs no job read and no AES-GCM
 * open. Both are fixed when the job is created, so a kept entry is never stale; whether the job
 * still takes events is decided in the event's own transaction, and the route forgets the entry
 * when that says the job has finished. Entries of jobs that were already finished when read are not
 * kept, and at most {@value #MAX} are kept (active jobs are bounded far below that).
 */
final class JobKeys {

  static final int MAX = 8192;

  /** A job's token hash and HMAC key. */
  static final class Keys {
    final String tokenHash;
    private final byte[] hmacKey;

    /**
     * The token once it has matched the hash: later requests compare against it instead of hashing
     * theirs (a SHA-256 and a provider lookup per event). It is as secret as the HMAC key kept
     * beside it, and lives as long.
     */
    private volatile byte[] matched;

    Keys(String tokenHash, byte[] hmacKey) {
      this.tokenHash = tokenHash;
      this.hmacKey = hmacKey;
    }

    /** Whether {@code token} is the job's token; constant-time. */
    boolean tokenMatches(String token) {
      byte[] given = token.getBytes(StandardCharsets.UTF_8);
      byte[] known = matched;
      if (known != null) {
        return MessageDigest.isEqual(given, known);
      }
      if (!TokenHash.matches(token, tokenHash)) {
        return false;
      }
      matched = given;
      return true;
    }

    /** The key itself (callers must not change it). */
    byte[] hmacKey() {
      return hmacKey;
    }

    @Override
    public String toString() {
      return "Keys[redacted]";
    }
  }

  private final JobStore jobs;
  private final SecretBox box;
  private final ConcurrentHashMap<String, Keys> kept = new ConcurrentHashMap<>();

  JobKeys(JobStore jobs, SecretBox box) {
    this.jobs = jobs;
    this.box = box;
  }

  /** The keys of job {@code id}, or null when there is no such job. */
  Keys get(String id) {
    Keys k = kept.get(id);
    if (k != null) {
      return k;
    }
    Optional<Job> job = jobs.get(id);
    if (job.isEmpty()) {
      return null;
    }
    JobSecrets s = JobSecrets.open(box, id, job.get().sealedSecret());
    k = new Keys(job.get().tokenHash(), Base64.getDecoder().decode(s.hmacKey()));
    if (!job.get().state().terminal()) {
      if (kept.size() >= MAX) {
        Iterator<String> any = kept.keySet().iterator();
        if (any.hasNext()) {
          any.next();
          any.remove();
        }
      }
      kept.put(id, k);
    }
    return k;
  }

  /** Drops what is kept for job {@code id} (it has finished). */
  void forget(String id) {
    kept.remove(id);
  }

  /** How many jobs have keys kept (tests). */
  int size() {
    return kept.size();
  }
}
