/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import static dev.plinth.controller.cli.Output.col;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plinth.controller.config.Durations;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code plinth tokens ls|create|rm}: API tokens (admin only), for people, scripts and the console.
 */
@Command(
    name = "tokens",
    mixinStandardHelpOptions = true,
    description = "List, create and revoke API tokens (admin only).",
    subcommands = {
      TokensCommand.Ls.class,
      TokensCommand.Create.class,
      TokensCommand.Link.class,
      TokensCommand.Rm.class
    })
final class TokensCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static final Output.Column[] LIST = {
    col("ID", "/id"),
    col("NAME", "/name"),
    col("ROLE", "/role"),
    col("CREATED", "/createdAt"),
    col("EXPIRES", "/expiresAt")
  };

  @Command(name = "ls", mixinStandardHelpOptions = true, description = "List API tokens.")
  static final class Ls implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions opts;

    @Override
    public Integer call() {
      opts.out(spec.commandLine().getOut())
          .list(opts.client().get("/api/v1/tokens").path("items"), LIST);
      return 0;
    }
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description =
          "Create an API token and print its secret: the only time it is shown (the controller"
              + " keeps a hash).")
  static final class Create implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions opts;

    @Parameters(paramLabel = "NAME", description = "Who or what the token is for.")
    String name;

    @Option(
        names = "--role",
        required = true,
        description = "viewer (read only), operator (submit, cancel, power) or admin.")
    String role;

    @Option(
        names = "--expires",
        description = "Lifetime (e.g. 720h, 90m, or ISO-8601 P30D); default: no expiry.")
    String expires;

    @Override
    public Integer call() {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("name", name);
      body.put("role", role);
      if (expires != null) {
        Duration d;
        try {
          d = Durations.parse(expires);
        } catch (IllegalArgumentException e) {
          throw new UserException("--expires: " + e.getMessage());
        }
        body.put("expiresInSeconds", d.toSeconds());
      }
      JsonNode created = opts.client().post("/api/v1/tokens", body);
      if (!"table".equals(opts.output)) {
        opts.out(spec.commandLine().getOut()).raw(created);
      } else {
        var out = spec.commandLine().getOut();
        out.println(created.path("secret").asText());
        spec.commandLine()
            .getErr()
            .printf(
                "token %s (%s, %s) created: the line above is its secret, shown only now%n",
                created.path("token").path("id").asText(), name, role);
      }
      return 0;
    }
  }

  @Command(
      name = "link",
      mixinStandardHelpOptions = true,
      description =
          "Print a one-time sign-in link for the web console: its first use signs in with a new"
              + " token of the role; it expires unused after 10 minutes. Redeem it on the"
              + " controller that made it.")
  static final class Link implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions opts;

    @Option(names = "--role", required = true, description = "viewer, operator or admin.")
    String role;

    @Option(names = "--name", description = "The name of the token it makes.")
    String name;

    @Override
    public Integer call() {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("role", role);
      if (name != null) {
        body.put("name", name);
      }
      ApiClient c = opts.client();
      JsonNode link = c.post("/api/v1/sign-in-links", body);
      String base =
          c.base().endsWith("/") ? c.base().substring(0, c.base().length() - 1) : c.base();
      spec.commandLine().getOut().println(base + link.path("path").asText());
      return 0;
    }
  }

  @Command(name = "rm", mixinStandardHelpOptions = true, description = "Revoke an API token.")
  static final class Rm implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ClientOptions opts;

    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
      opts.client().send("DELETE", "/api/v1/tokens/" + ApiClient.q(id), null, null);
      spec.commandLine().getOut().println(id + ": revoked");
      return 0;
    }
  }
}
