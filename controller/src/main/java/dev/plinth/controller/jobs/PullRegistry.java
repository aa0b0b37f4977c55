/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.jobs;

import dev.plinth.contract.ControllerUrls;
import dev.plinth.contract.JobCredentials;

/**
 * Where machines pull step images from, as the task ISO says it: the controller's embedded registry
 * ({@code <base>/v2/}, pulls as the job with its token, scoped to the recipe's repositories), or an
 * external registry ({@code registry.url}) with the site's read-only pull account and its CA.
 *
 * @param url the external registry's base URL ({@code https://host[:port]}); null for the embedded
 *     one
 * @param host {@code host[:port]} step images are named with; null for the controller's
 * @param username the pull account; null for the job id (embedded)
 * @param password its password; null for the job token (embedded)
 * @param caBundle PEM certificates the maintenance OS trusts for the registry (and the webhook:
 *     Task ISO v1 trusts only these when present); null for its default trust
 */
public record PullRegistry(
    String url, String host, String username, String password, String caBundle) {

  /** The controller's own registry. */
  public static PullRegistry embedded() {
    return new PullRegistry(null, null, null, null, null);
  }

  /** An external registry pulled from with a site-wide account. */
  public static PullRegistry external(
      String url, String host, String username, String password, String caBundle) {
    if (url == null || host == null || username == null || password == null) {
      throw new IllegalArgumentException("an external registry needs its URL, host and account");
    }
    return new PullRegistry(url, host, username, password, caBundle);
  }

  /** Whether this is an external registry. */
  public boolean isExternal() {
    return url != null;
  }

  /** The host:port step images are named with: the external registry's, else {@code own}. */
  public String host(String own) {
    return host != null ? host : own;
  }

  /** The task's {@code controller} URLs: API and webhook at {@code base}, and the registry. */
  public ControllerUrls urls(String base, String jobId) {
    String registry = url != null ? (url.endsWith("/") ? url : url + "/") : base + "/v2/";
    return new ControllerUrls(base, base + "/webhooks/v1/jobs/" + jobId + "/events", registry);
  }

  /** The task's credentials: the job's own, plus the pull account for an external registry. */
  public JobCredentials credentials(JobSecrets secrets) {
    return new JobCredentials(secrets.token(), secrets.hmacKey(), username, password);
  }

  @Override
  public String toString() {
    return isExternal()
        ? "PullRegistry[" + url + ", as " + username + "]"
        : "PullRegistry[embedded]";
  }
}
