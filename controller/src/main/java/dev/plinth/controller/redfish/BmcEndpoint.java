/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import java.net.URI;
import java.util.Objects;

/**
 * Where a BMC answers: its base URL ({@code https://10.0.0.5} or {@code http://127.10.0.7:8000}), a
 * name used in every error and log line, and optionally which ComputerSystem to drive when the BMC
 * has several.
 *
 * @param name how errors name this BMC, e.g. the machine id
 * @param url the base URL; the service root is {@code <url>/redfish/v1/}
 * @param systemId the Id (or UUID) of the system to drive, or null to pick the only physical one
 */
public record BmcEndpoint(String name, URI url, String systemId) {

  public BmcEndpoint {
    Objects.requireNonNull(url, "url");
    String scheme = url.getScheme();
    if (!"http".equals(scheme) && !"https".equals(scheme)) {
      throw new IllegalArgumentException("BMC URL must be http:// or https://: " + url);
    }
    if (url.getRawUserInfo() != null) {
      throw new IllegalArgumentException("BMC URL must not carry credentials");
    }
    if (url.getHost() == null) {
      throw new IllegalArgumentException("BMC URL has no host: " + url);
    }
    if (name == null || name.isBlank()) {
      name = url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
    }
  }

  /** An endpoint named after its host, driving the only physical system. */
  public static BmcEndpoint of(String url) {
    return new BmcEndpoint(null, URI.create(url), null);
  }

  /** This endpoint with another system id. */
  public BmcEndpoint withSystemId(String id) {
    return new BmcEndpoint(name, url, id);
  }

  /** The absolute URI of a path the BMC returned ({@code /redfish/v1/...}). */
  URI resolve(String path) {
    URI p = URI.create(path);
    if (p.isAbsolute()) {
      // QUIRK(Cisco CIMC, some iDRAC): Location headers may be absolute; keep only the path.
      p = URI.create(p.getRawPath() + (p.getRawQuery() == null ? "" : "?" + p.getRawQuery()));
    }
    String base = url.toString();
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    String prefix = URI.create(base).getRawPath();
    String raw = p.toString();
    if (!prefix.isEmpty() && !raw.startsWith(prefix + "/")) {
      raw = prefix + raw;
    }
    return URI.create(base.substring(0, base.length() - prefix.length()) + raw);
  }

  @Override
  public String toString() {
    return name + " (" + url + ")";
  }
}
