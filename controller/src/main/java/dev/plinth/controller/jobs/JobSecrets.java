/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plinth.controller.security.SecretBox;

/**
 * A job's secrets: the bearer token the dispatcher presents and the key of its webhook HMAC. Stored
 * sealed on the job; handed to the machine only inside its task ISO.
 */
public record JobSecrets(String token, String hmacKey) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public static JobSecrets create() {
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    // Standard base64: the dispatcher decodes it with Base64.getDecoder().
    return new JobSecrets(
        Ids.secret("plinthjob_"), java.util.Base64.getEncoder().encodeToString(key));
  }

  public String seal(SecretBox box, String jobId) {
    try {
      return box.seal(JSON.writeValueAsString(this), "job:" + jobId);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static JobSecrets open(SecretBox box, String jobId, String sealed) {
    try {
      return JSON.readValue(box.open(sealed, "job:" + jobId), JobSecrets.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("corrupt job secret", e);
    }
  }

  @Override
  public String toString() {
    return "JobSecrets[redacted]";
  }
}
