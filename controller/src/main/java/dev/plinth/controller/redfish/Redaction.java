/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import java.util.regex.Pattern;

/** Removes secrets that BMCs echo back (URL user info, password fields) from text. */
final class Redaction {
  private static final Pattern USERINFO = Pattern.compile("(?i)([a-z][a-z0-9+.-]*://)[^/@\\s]*@");
  private static final Pattern PASSWORD =
      Pattern.compile("(?i)(\"?(?:password|passwd|token)\"?\\s*[:=]\\s*)(\"[^\"]*\"|\\S+)");

  private Redaction() {}

  static String redact(String s) {
    if (s == null) {
      return null;
    }
    String out = USERINFO.matcher(s).replaceAll("$1***@");
    return PASSWORD.matcher(out).replaceAll("$1***");
  }
}
