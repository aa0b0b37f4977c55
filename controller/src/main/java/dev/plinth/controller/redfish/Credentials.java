/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import java.util.Objects;

/**
 * A BMC user name and password. {@link #toString()} never shows the password; nothing in this
 * package puts it in a message or a log line.
 */
public record Credentials(String username, String password) {

  public Credentials {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
  }

  @Override
  public String toString() {
    return "Credentials[username=" + username + ", password=***]";
  }
}
