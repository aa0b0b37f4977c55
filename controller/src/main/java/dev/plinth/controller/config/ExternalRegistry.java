/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An external OCI registry (Harbor, zot, CNCF distribution) in place of the embedded one ({@code
 * registry:} in {@code plinth.yaml}, {@code PLINTH_REGISTRY_*}). Tags are pinned against it at
 * submit, machines pull from it with the pull account, {@code plinth registry} and publication push
 * to it with the push account. See docs/registry.md, "External registry".
 *
 * @param url {@code https://host[:port]} (or {@code http://} on loopback or with {@code
 *     allowPlainHttp})
 * @param username the read-only pull account (a robot account) handed to every job
 * @param passwordFile the file holding its password or token (first line)
 * @param pushUsername the account {@code plinth registry import} and publication push with; null
 *     for the pull account (which then cannot push, if it is read-only as it should be)
 * @param pushPasswordFile its password file
 * @param caFile PEM certificates to trust for the registry (a private CA); null for the JDK's and
 *     the maintenance OS's default trust. It also goes into every task ISO ({@code caBundle}).
 */
public record ExternalRegistry(
    String url,
    String username,
    Path passwordFile,
    String pushUsername,
    Path pushPasswordFile,
    Path caFile) {

  /** Nothing set: the embedded registry. */
  public static final ExternalRegistry NONE =
      new ExternalRegistry(null, null, null, null, null, null);

  /** These settings with every one that {@code over} sets taken from it. */
  public ExternalRegistry merged(ExternalRegistry over) {
    return new ExternalRegistry(
        over.url != null ? over.url : url,
        over.username != null ? over.username : username,
        over.passwordFile != null ? over.passwordFile : passwordFile,
        over.pushUsername != null ? over.pushUsername : pushUsername,
        over.pushPasswordFile != null ? over.pushPasswordFile : pushPasswordFile,
        over.caFile != null ? over.caFile : caFile);
  }

  /** Whether any setting is given. */
  boolean any() {
    return url != null
        || username != null
        || passwordFile != null
        || pushUsername != null
        || pushPasswordFile != null
        || caFile != null;
  }

  /**
   * Checks the settings (not the files' contents: those are read when used).
   *
   * @throws ConfigException naming the setting to change
   */
  ExternalRegistry checked() {
    if (url == null) {
      throw new ConfigException(
          "registry.url (PLINTH_REGISTRY_URL) is required when any other registry.* setting is"
              + " given");
    }
    URI u;
    try {
      u = new URI(url);
    } catch (URISyntaxException e) {
      throw new ConfigException("registry.url: not a URL: " + url, e);
    }
    if (!("https".equals(u.getScheme()) || "http".equals(u.getScheme()))
        || u.getHost() == null
        || (u.getPath() != null && !u.getPath().isEmpty() && !"/".equals(u.getPath()))
        || u.getQuery() != null
        || u.getUserInfo() != null) {
      throw new ConfigException(
          "registry.url: expected https://host[:port] (no path, no user), got " + url);
    }
    if (username == null || passwordFile == null) {
      throw new ConfigException(
          "registry.url is set: registry.username and registry.passwordFile"
              + " (PLINTH_REGISTRY_USERNAME, PLINTH_REGISTRY_PASSWORD_FILE) must name the"
              + " read-only pull account every job gets");
    }
    if (username.contains(":") || (pushUsername != null && pushUsername.contains(":"))) {
      throw new ConfigException("registry.username / registry.pushUsername: must not contain ':'");
    }
    if ((pushUsername == null) != (pushPasswordFile == null)) {
      throw new ConfigException(
          "registry.pushUsername and registry.pushPasswordFile go together (or neither: the pull"
              + " account is used)");
    }
    return this;
  }

  /** {@code https://host:port}, without a trailing slash. */
  public String base() {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** {@code host[:port]}: what image references name. */
  public String host() {
    return URI.create(url).getRawAuthority();
  }

  /** Whether the registry is plain HTTP (a lab or a test). */
  public boolean plainHttp() {
    return url.regionMatches(true, 0, "http://", 0, 7);
  }

  /** Whether the registry's host is a loopback name or address. */
  boolean loopback() {
    String h = URI.create(url).getHost();
    return h.equals("localhost") || h.startsWith("127.") || h.equals("[::1]") || h.equals("::1");
  }

  /** The pull account's password: the password file's first line. */
  public String pullPassword() {
    return firstLine(passwordFile, "registry.passwordFile");
  }

  /** The account pushes use: the push account if set, else the pull account. */
  public String pushUser() {
    return pushUsername != null ? pushUsername : username;
  }

  /** The push account's password, else the pull account's. */
  public String pushPassword() {
    return pushPasswordFile != null
        ? firstLine(pushPasswordFile, "registry.pushPasswordFile")
        : pullPassword();
  }

  /** The CA file's PEM text, or null when none is set. */
  public String caBundle() {
    if (caFile == null) {
      return null;
    }
    try {
      return Files.readString(caFile, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new ConfigException("registry.caFile: cannot read " + caFile + ": " + e, e);
    }
  }

  private static String firstLine(Path file, String setting) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("").strip();
    } catch (IOException e) {
      throw new ConfigException(setting + ": cannot read " + file + ": " + e, e);
    }
  }

  @Override
  public String toString() {
    return "ExternalRegistry[" + url + ", pull as " + username + "]";
  }
}
