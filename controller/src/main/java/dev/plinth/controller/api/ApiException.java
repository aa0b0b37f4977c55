/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.api;

import dev.plinth.controller.problem.Problem;
import java.util.List;
import java.util.Map;

/**
 * An API error the client can act on; becomes an {@code application/problem+json} body. The detail
 * is shown to the client: never put secrets or internals in it.
 */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ProblemType type;
  private final transient List<Map<String, String>> errors;

  public ApiException(ProblemType type, String detail) {
    this(type, detail, List.of());
  }

  public ApiException(ProblemType type, String detail, List<Map<String, String>> errors) {
    super(detail);
    this.type = type;
    this.errors = List.copyOf(errors);
  }

  public ProblemType type() {
    return type;
  }

  /** Field-level errors ({@code pointer}, {@code detail}), for 422s. */
  public List<Map<String, String>> errors() {
    return errors;
  }

  /** The problem this error is answered with. */
  public Problem problem() {
    Problem p =
        Problem.of(Problem.slug(type.name()), type.title(), type.status().code(), getMessage());
    return errors.isEmpty() ? p : p.with("errors", errors);
  }

  static ApiException notFound(String what) {
    return new ApiException(ProblemType.NOT_FOUND, what + " does not exist");
  }

  static ApiException bad(String detail) {
    return new ApiException(ProblemType.BAD_REQUEST, detail);
  }
}
