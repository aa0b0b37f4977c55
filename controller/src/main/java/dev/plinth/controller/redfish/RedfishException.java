/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish;

import dev.plinth.controller.redfish.model.Message;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Any failure talking to a BMC. It names the BMC, the resource ({@code METHOD /redfish/v1/...}),
 * the HTTP status (0 when there was no response) and the BMC's {@code @Message.ExtendedInfo}.
 * Messages never contain a password or request body.
 */
public abstract sealed class RedfishException extends RuntimeException
    permits RedfishHttpException,
        RedfishTransportException,
        RedfishTlsException,
        RedfishUnsupportedException,
        RedfishTimeoutException,
        RedfishTaskException {

  private static final long serialVersionUID = 1L;

  private final String bmc;
  private final String resource;
  private final int status;
  private final transient List<Message> extendedInfo;

  RedfishException(
      String bmc,
      String resource,
      int status,
      List<Message> extendedInfo,
      String what,
      Throwable cause) {
    super(format(bmc, resource, status, extendedInfo, what), cause);
    this.bmc = bmc;
    this.resource = resource;
    this.status = status;
    this.extendedInfo = List.copyOf(extendedInfo);
  }

  private static String format(
      String bmc, String resource, int status, List<Message> info, String what) {
    StringBuilder b = new StringBuilder("BMC ").append(bmc);
    if (resource != null) {
      b.append(": ").append(resource);
    }
    if (status > 0) {
      b.append(": HTTP ").append(status);
    }
    if (what != null && !what.isBlank()) {
      b.append(": ").append(Redaction.redact(what));
    }
    if (!info.isEmpty()) {
      b.append(" [")
          .append(
              info.stream()
                  .map(m -> Redaction.redact(m.summary()))
                  .collect(Collectors.joining("; ")))
          .append(']');
    }
    return b.toString();
  }

  /** The BMC, as named by its {@link BmcEndpoint}. */
  public String bmc() {
    return bmc;
  }

  /** {@code METHOD path} of the failing request, or the resource being waited on. */
  public String resource() {
    return resource;
  }

  /** The HTTP status, or 0 when there was none. */
  public int status() {
    return status;
  }

  /** The BMC's messages (may be empty). */
  public List<Message> extendedInfo() {
    return extendedInfo == null ? List.of() : extendedInfo;
  }

  /** Whether any message id or text mentions {@code needle}. */
  public boolean mentions(String needle) {
    return extendedInfo().stream().anyMatch(m -> m.mentions(needle));
  }
}
