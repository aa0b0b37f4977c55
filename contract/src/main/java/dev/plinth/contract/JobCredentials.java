/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.contract;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Base64;

/**
 * The job's secrets. The token authenticates webhook posts ({@code Authorization: Bearer}) and,
 * with the controller's embedded registry, registry pulls (as the password of user {@code
 * <jobId>}); the HMAC key signs webhook bodies. Both expire with the job. With an external registry
 * the controller adds that registry's pull credentials (a site-wide read-only account, which does
 * not expire with the job: docs/registry.md, "External registry"). {@link #toString()} never shows
 * them.
 *
 * @param jobToken opaque bearer token
 * @param webhookHmacKey the HMAC-SHA256 key, standard base64 (at least 16 bytes, 32 recommended)
 * @param registryUsername the user name for registry pulls; null for the job id (optional, added
 *     within v1)
 * @param registryPassword its password; null for the job token (optional, added within v1)
 */
@JsonPropertyOrder({"jobToken", "webhookHmacKey", "registryUsername", "registryPassword"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobCredentials(
    String jobToken, String webhookHmacKey, String registryUsername, String registryPassword) {

  /** Credentials for the controller's embedded registry: pulls as the job, with its token. */
  public JobCredentials(String jobToken, String webhookHmacKey) {
    this(jobToken, webhookHmacKey, null, null);
  }

  /** The user name registry pulls authenticate as: the given one, else the job id. */
  public String pullUser(String jobId) {
    return registryUsername != null ? registryUsername : jobId;
  }

  /** The password registry pulls authenticate with: the given one, else the job token. */
  public String pullPassword() {
    return registryPassword != null ? registryPassword : jobToken;
  }

  /** The decoded HMAC key. */
  @JsonIgnore
  public byte[] hmacKey() {
    return Base64.getDecoder().decode(webhookHmacKey);
  }

  @Override
  public String toString() {
    return "JobCredentials[redacted]";
  }
}
