/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import java.time.Duration;

/**
 * Told before each retry of a request that got no answer from the BMC (connection refused, reset,
 * timed out), so that whoever waits sees why: the CLI prints {@link Retry#describe()}, the engine
 * records it as a job event. Called on the thread that retries; it must not block.
 */
@FunctionalInterface
public interface RetryListener {

  /** Tells no one (the retries are still logged at WARNING). */
  RetryListener NONE = r -> {};

  void retrying(Retry retry);

  /**
   * One retry.
   *
   * @param bmc the BMC's {@code host:port}
   * @param problem what went wrong, e.g. {@code connection refused}
   * @param attempt the number of the attempt about to be made (the first retry is attempt 2)
   * @param next how long until it
   * @param giveUpAfter how long retries go on before the request fails
   */
  record Retry(String bmc, String problem, int attempt, Duration next, Duration giveUpAfter) {

    /**
     * The line a person reads: {@code BMC 10.0.0.5:443: connection refused, retrying (attempt 3,
     * next in 8s, giving up after 50s)}.
     */
    public String describe() {
      return "BMC "
          + bmc
          + ": "
          + problem
          + ", retrying (attempt "
          + attempt
          + ", next in "
          + human(next)
          + ", giving up after "
          + human(giveUpAfter)
          + ")";
    }

    /** In the project's duration syntax: {@code 8s}, {@code 250ms}, {@code 1m30s}. */
    static String human(Duration d) {
      if (d.toMillis() % 1000 != 0) {
        return d.toMillis() + "ms";
      }
      long s = d.toSeconds();
      if (s < 60) {
        return s + "s";
      }
      return s / 60 + "m" + (s % 60 == 0 ? "" : s % 60 + "s");
    }
  }
}
