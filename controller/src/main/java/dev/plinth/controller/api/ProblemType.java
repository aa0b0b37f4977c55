/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.api;

import io.helidon.http.Status;

/** Every kind of API error, registered once with its HTTP status and title. */
public enum ProblemType {
  BAD_REQUEST(Status.BAD_REQUEST_400, "Bad request"),
  UNAUTHORIZED(Status.UNAUTHORIZED_401, "Authentication required"),
  FORBIDDEN(Status.FORBIDDEN_403, "Not allowed for this token's role"),
  NOT_FOUND(Status.NOT_FOUND_404, "Not found"),
  CONFLICT(Status.CONFLICT_409, "Conflict"),
  MACHINE_STATE(Status.CONFLICT_409, "Not allowed in the machine's lifecycle state"),
  PRECONDITION_FAILED(Status.PRECONDITION_FAILED_412, "The resource changed (ETag mismatch)"),
  INVALID(Status.create(422, "Unprocessable Content"), "Invalid content"),
  PRECONDITION_REQUIRED(Status.create(428, "Precondition Required"), "If-Match is required"),
  BMC_FAILED(Status.BAD_GATEWAY_502, "The BMC failed"),
  REGISTRY_FAILED(Status.BAD_GATEWAY_502, "The registry failed or refused the credentials"),
  UNAVAILABLE(Status.SERVICE_UNAVAILABLE_503, "Temporarily unavailable"),
  INTERNAL(Status.INTERNAL_SERVER_ERROR_500, "Internal error");

  private final Status status;
  private final String title;

  ProblemType(Status status, String title) {
    this.status = status;
    this.title = title;
  }

  public Status status() {
    return status;
  }

  public String title() {
    return title;
  }

  /** The problem's {@code type} URI. */
  public String uri() {
    return dev.plinth.controller.problem.Problem.TYPE_BASE
        + dev.plinth.controller.problem.Problem.slug(name());
  }
}
