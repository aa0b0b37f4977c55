/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.contract;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Base64;

/**
 * The job's secrets. The token authenticates registry pulls (as the password of user {@code
 * <jobId>}) and webhook posts ({@code Authorization: Bearer}); the HMAC key signs webhook bodies.
 * Both expire with the job. {@link #toString()} never shows them.
 *
 * @param jobToken opaque bearer token
 * @param webhookHmacKey the HMAC-SHA256 key, standard base64 (at least 16 bytes, 32 recommended)
 */
@JsonPropertyOrder({"jobToken", "webhookHmacKey"})
public record JobCredentials(String jobToken, String webhookHmacKey) {

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
