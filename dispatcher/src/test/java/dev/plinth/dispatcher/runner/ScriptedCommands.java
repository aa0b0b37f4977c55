/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.dispatcher.runner;

import dev.plinth.dispatcher.sys.Commands;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A fake of systemctl, podman and journalctl: answers by the command's first two words from
 * scripted queues (the last answer of a queue repeats), and records every call.
 */
final class ScriptedCommands implements Commands {

  final List<List<String>> calls = new ArrayList<>();
  private final Map<String, Deque<Result>> answers = new ConcurrentHashMap<>();

  ScriptedCommands on(String firstTwoWords, Result... results) {
    answers.computeIfAbsent(firstTwoWords, k -> new ArrayDeque<>()).addAll(List.of(results));
    return this;
  }

  @Override
  public Result run(List<String> command, Duration timeout) throws IOException {
    calls.add(List.copyOf(command));
    String key = command.get(0) + " " + (command.size() > 1 ? command.get(1) : "");
    Deque<Result> q = answers.get(key);
    if (q == null) {
      if (command.get(0).equals("journalctl")) {
        return new Result(0, "");
      }
      throw new IOException("not scripted: " + command);
    }
    return q.size() > 1 ? q.poll() : q.peek();
  }

  static Result ok(String out) {
    return new Result(0, out);
  }

  /** What {@code systemctl show} says before the unit ever ran. */
  static Result never() {
    return ok(
        "LoadState=loaded\nActiveState=inactive\nResult=success\nExecMainStatus=0\n"
            + "ExecMainStartTimestampMonotonic=0\nInvocationID=\n");
  }

  static Result show(String active, String result, int status) {
    return ok(
        "LoadState=loaded\nActiveState="
            + active
            + "\nResult="
            + result
            + "\nExecMainStatus="
            + status
            + "\nExecMainStartTimestampMonotonic="
            + ("inactive".equals(active) && "success".equals(result) && status == 0 ? "0" : "123")
            + "\nInvocationID=abc123\n");
  }
}
