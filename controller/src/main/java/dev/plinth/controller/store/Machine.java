/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.store;

import java.time.Instant;
import java.util.Map;

/**
 * A managed server and how to reach its BMC.
 *
 * @param sealedPassword the BMC password sealed by {@code SecretBox}; never shown anywhere
 * @param bmcCaPem CA certificates (PEM) that the BMC's TLS certificate must chain to, or null
 * @param bmcFingerprint the SHA-256 (hex) the BMC's TLS certificate must have, or null
 * @param inventory the last inventory read from the BMC (JSON), or null
 * @param version increases with every update (the API's ETag)
 */
public record Machine(
    String id,
    String name,
    String bmcUrl,
    String bmcUsername,
    String sealedPassword,
    boolean bmcInsecure,
    String bmcCaPem,
    String bmcFingerprint,
    Map<String, String> labels,
    String inventory,
    long version,
    Instant createdAt,
    Instant updatedAt) {

  public Machine {
    labels = Map.copyOf(labels);
  }

  /** A machine whose BMC certificate is checked against the system trust store (or not at all). */
  public Machine(
      String id,
      String name,
      String bmcUrl,
      String bmcUsername,
      String sealedPassword,
      boolean bmcInsecure,
      Map<String, String> labels,
      String inventory,
      long version,
      Instant createdAt,
      Instant updatedAt) {
    this(
        id,
        name,
        bmcUrl,
        bmcUsername,
        sealedPassword,
        bmcInsecure,
        null,
        null,
        labels,
        inventory,
        version,
        createdAt,
        updatedAt);
  }

  @Override
  public String toString() {
    return "Machine[" + id + " " + name + " bmc=" + bmcUrl + "]";
  }
}
