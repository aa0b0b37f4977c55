/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.observe;

import io.helidon.logging.common.spi.LoggingProvider;

/**
 * Tells Helidon that logging is configured: {@link JsonLogging} sets up JUL itself. Without a
 * provider Helidon prints "There is no Helidon logging implementation on classpath" on every start.
 */
public final class HelidonLogging implements LoggingProvider {

  @Override
  public void initialization() {
    // JsonLogging.install() in Main configured JUL before anything logs.
  }

  @Override
  public void runTime() {
    // Nothing to reconfigure: there is no native image.
  }
}
