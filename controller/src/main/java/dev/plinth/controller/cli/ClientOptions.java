/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Where the API is and who calls it: {@code --url}/{@code PLINTH_URL}, {@code --token}/{@code
 * PLINTH_TOKEN}, else what {@code plinth login} stored in {@code ~/.config/plinth/login.json}
 * (0600). Mixed into every client command, with {@code -o}.
 */
final class ClientOptions {

  @Option(
      names = "--url",
      paramLabel = "URL",
      description = "Controller URL (default: $PLINTH_URL, the login, or http://127.0.0.1:8080).")
  String url;

  @Option(
      names = "--token",
      paramLabel = "TOKEN",
      description = "API token (default: $PLINTH_TOKEN, or the login).")
  String token;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "Output: table, json or yaml (default: table).",
      defaultValue = "table")
  String output;

  Map<String, String> env = System.getenv();

  ApiClient client() {
    JsonNode login = stored(env);
    String u =
        url != null && !url.isBlank()
            ? checkedUrl(url, "--url")
            : env.get("PLINTH_URL") != null && !env.get("PLINTH_URL").isBlank()
                ? checkedUrl(env.get("PLINTH_URL"), "PLINTH_URL")
                : login.path("url").isTextual()
                    ? checkedUrl(login.path("url").asText(), "the login in " + loginFile(env))
                    : "http://127.0.0.1:8080";
    String t = first(token, env.get("PLINTH_TOKEN"), login.path("token").asText(null), null);
    if (t == null) {
      throw new UserException("no API token: run plinth login, or set PLINTH_TOKEN");
    }
    return new ApiClient(u, t);
  }

  /**
   * {@code raw} when it is an http(s) URL with a host, else a {@link UserException} naming where it
   * came from and showing the expected form.
   */
  static String checkedUrl(String raw, String from) {
    String hint = " (expected http://HOST:PORT or https://HOST:PORT, e.g. http://127.0.0.1:8080)";
    URI u;
    try {
      u = new URI(raw.strip());
    } catch (URISyntaxException e) {
      throw new UserException(from + " '" + raw + "' is not a URL: " + e.getReason() + hint, e);
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new UserException(from + " '" + raw + "' has no http:// or https:// scheme" + hint);
    }
    if (u.getHost() == null) {
      throw new UserException(from + " '" + raw + "' has no host" + hint);
    }
    return raw.strip();
  }

  Output out(java.io.PrintWriter w) {
    return Output.of(output, w);
  }

  static Path loginFile(Map<String, String> env) {
    String xdg = env.get("XDG_CONFIG_HOME");
    Path dir =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg, "plinth")
            : Path.of(
                env.getOrDefault("HOME", System.getProperty("user.home")), ".config", "plinth");
    return dir.resolve("login.json");
  }

  static JsonNode stored(Map<String, String> env) {
    Path f = loginFile(env);
    try {
      return Files.exists(f)
          ? new ObjectMapper().readTree(f.toFile())
          : ApiClient.JSON.createObjectNode();
    } catch (IOException e) {
      throw new UserException(
          f + " is unreadable: " + e.getMessage() + " (run plinth login again)", e);
    }
  }

  private static String first(String... v) {
    for (String s : v) {
      if (s != null && !s.isBlank()) {
        return s;
      }
    }
    return null;
  }
}
