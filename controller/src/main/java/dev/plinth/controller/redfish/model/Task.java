/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.redfish.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Set;

/** A Task, read from a task monitor or from the TaskService. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Task(
    @JsonProperty("@odata.id") String odataId,
    @JsonProperty("Id") String id,
    @JsonProperty("TaskState") String taskState,
    @JsonProperty("TaskStatus") String taskStatus,
    @JsonProperty("PercentComplete") Integer percentComplete,
    @JsonProperty("TaskMonitor") String taskMonitor,
    @JsonProperty("Messages") List<Message> messages) {

  private static final Set<String> RUNNING =
      Set.of("New", "Starting", "Running", "Pending", "Suspended", "Service", "Stopping");

  public Task {
    messages = messages == null ? List.of() : List.copyOf(messages);
  }

  /** Whether the task is still in progress (judged by TaskState, never by the monitor alone). */
  public boolean inProgress() {
    return taskState != null && RUNNING.contains(taskState);
  }

  /** Whether the task ended badly. */
  public boolean failed() {
    return "Exception".equals(taskState)
        || "Killed".equals(taskState)
        || "Cancelled".equals(taskState)
        || "Critical".equals(taskStatus);
  }
}
