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
    description = "Check an API token and remember it with the controller URL (~/.config/plinth).")
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
      opts.token =
          (tokenFile.toString().equals("-")
                  ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                  : Files.readString(tokenFile))
              .strip();
    }
    ApiClient c = opts.client();
    JsonNode who = c.get("/api/v1/whoami");
    Path f = ClientOptions.loginFile(opts.env);
    Files.createDirectories(f.getParent());
    ObjectNode n = ApiClient.JSON.createObjectNode().put("url", c.base()).put("token", tokenOf(c));
    Path tmp =
        Files.createTempFile(
            f.getParent(),
            "login",
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.write(tmp, ApiClient.JSON.writeValueAsBytes(n));
    Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    spec.commandLine()
        .getOut()
        .printf(
            "logged in to %s as %s (role %s); saved in %s%n",
            c.base(), who.path("name").asText(), who.path("role").asText(), f);
    return 0;
  }

  private String tokenOf(ApiClient c) {
    String t = opts.token != null ? opts.token : opts.env.get("PLINTH_TOKEN");
    return t != null ? t : ClientOptions.stored(opts.env).path("token").asText();
  }
}
