/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code plinth login}: checks a token against the controller and stores URL and token (0600). */
@Command(
    name = "login",
    mixinStandardHelpOptions = true,
    description =
        "Check an API token and remember it with the controller URL"
            + " ($XDG_CONFIG_HOME/plinth or ~/.config/plinth, mode 0600).")
final class LoginCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin ClientOptions opts;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description = "Read the token from FILE (e.g. /var/lib/plinth/admin.token); - for stdin.")
  Path tokenFile;

  @Override
  public Integer call() throws IOException {
    if (tokenFile != null) {
      opts.token = readTokenFile();
    }
    String token =
        first(
            opts.token, opts.env.get("PLINTH_TOKEN"), ClientOptions.stored(opts.env).path("token"));
    if (token == null) {
      throw new UserException(
          "no API token to log in with: give --token-file FILE (e.g. DATA/admin.token), --token"
              + " or PLINTH_TOKEN");
    }
    opts.token = token;
    ApiClient c = opts.client();
    JsonNode who;
    try {
      who = c.get("/api/v1/whoami");
    } catch (ApiClient.Refused e) {
      throw new UserException(
          e.status == 401
              ? "the controller at "
                  + c.base()
                  + " refused the token (unknown, revoked or expired);"
                  + " nothing was saved"
              : "login to " + c.base() + " failed: " + e.getMessage() + "; nothing was saved",
          e);
    }
    Path f = ClientOptions.loginFile(opts.env);
    save(f, ApiClient.JSON.createObjectNode().put("url", c.base()).put("token", token));
    spec.commandLine()
        .getOut()
        .printf(
            "logged in to %s as %s (role %s); saved in %s%n",
            c.base(), who.path("name").asText(), who.path("role").asText(), f);
    return 0;
  }

  private String readTokenFile() {
    String t;
    try {
      t =
          tokenFile.toString().equals("-")
              ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
              : Files.readString(tokenFile);
    } catch (NoSuchFileException e) {
      throw new UserException("token file " + tokenFile + " does not exist", e);
    } catch (IOException e) {
      throw new UserException("cannot read token file " + tokenFile + ": " + e.getMessage(), e);
    }
    if (t.isBlank()) {
      throw new UserException("token file " + tokenFile + " is empty");
    }
    return t.strip();
  }

  /** Writes the login atomically, readable by its owner only, in a directory only they enter. */
  private static void save(Path f, ObjectNode login) throws IOException {
    Path dir = f.getParent();
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(
          dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    Path tmp =
        Files.createTempFile(
            dir,
            ".login",
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.write(tmp, ApiClient.JSON.writeValueAsBytes(login));
      Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static String first(String flag, String env, JsonNode stored) {
    for (String s : new String[] {flag, env, stored.asText(null)}) {
      if (s != null && !s.isBlank()) {
        return s.strip();
      }
    }
    return null;
  }
}
