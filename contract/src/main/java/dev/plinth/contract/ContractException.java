/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.contract;

import java.util.List;

/** A task or event that does not satisfy its contract; lists every problem found, with its path. */
public final class ContractException extends Exception {
  private static final long serialVersionUID = 1L;

  /** The problems, each {@code "<json path>: <what is wrong>"}. */
  private final transient List<String> problems;

  public ContractException(List<String> problems) {
    super(String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public ContractException(String problem, Throwable cause) {
    super(problem, cause);
    this.problems = List.of(problem);
  }

  public List<String> problems() {
    return problems;
  }
}
