/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.contract;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * The content of {@code task.json} in a Task ISO v1: everything the dispatcher needs to run one job
 * on one machine. Serialize with {@link ContractJson#writeTask(Task)}, read and validate with
 * {@link ContractJson#readTask(byte[])}.
 *
 * @param apiVersion always {@value #API_VERSION}
 * @param kind always {@value #KIND}
 * @param jobId the controller's job id: {@code [A-Za-z0-9][A-Za-z0-9._-]{0,127}}
 * @param recipe the recipe's name, for logs and humans; may be null
 * @param machine the machine the task is for
 * @param controller the controller's URLs
 * @param registryHost {@code host[:port]} every step image is pulled from
 * @param caBundle PEM certificates to trust for the controller and registry; null when they use
 *     certificates the maintenance OS already trusts (or plain HTTP in a lab)
 * @param credentials the job token and the webhook HMAC key
 * @param steps the expanded steps, in order
 * @param disk how the dispatcher chooses the {@code target-disk}; null means the defaults (the
 *     smallest non-removable disk)
 * @param toolSigningKeys the site's image-signing public keys (PEM SPKI, one key per entry): every
 *     step image must carry a sigstore signature by one of them; null (omitted) means the
 *     maintenance OS's own policy applies (docs/contracts.md)
 */
@JsonPropertyOrder({
  "apiVersion",
  "kind",
  "jobId",
  "recipe",
  "machine",
  "controller",
  "registryHost",
  "caBundle",
  "toolSigningKeys",
  "credentials",
  "disk",
  "steps"
})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Task(
    String apiVersion,
    String kind,
    String jobId,
    String recipe,
    MachineRef machine,
    ControllerUrls controller,
    String registryHost,
    String caBundle,
    JobCredentials credentials,
    List<TaskStep> steps,
    DiskRules disk,
    List<String> toolSigningKeys) {

  public static final String API_VERSION = "plinth.dev/v1";
  public static final String KIND = "Task";

  public Task {
    steps = steps == null ? List.of() : List.copyOf(steps);
    toolSigningKeys =
        toolSigningKeys == null || toolSigningKeys.isEmpty() ? null : List.copyOf(toolSigningKeys);
  }

  /** A task without signing keys (the form before {@code toolSigningKeys} was added to v1). */
  public Task(
      String apiVersion,
      String kind,
      String jobId,
      String recipe,
      MachineRef machine,
      ControllerUrls controller,
      String registryHost,
      String caBundle,
      JobCredentials credentials,
      List<TaskStep> steps,
      DiskRules disk) {
    this(
        apiVersion,
        kind,
        jobId,
        recipe,
        machine,
        controller,
        registryHost,
        caBundle,
        credentials,
        steps,
        disk,
        null);
  }

  /** A task without disk rules (the form before {@code disk} was added to v1). */
  public Task(
      String apiVersion,
      String kind,
      String jobId,
      String recipe,
      MachineRef machine,
      ControllerUrls controller,
      String registryHost,
      String caBundle,
      JobCredentials credentials,
      List<TaskStep> steps) {
    this(
        apiVersion,
        kind,
        jobId,
        recipe,
        machine,
        controller,
        registryHost,
        caBundle,
        credentials,
        steps,
        null);
  }

  /** True when the task's registry URL is plain HTTP (a lab or a test, never a default). */
  @JsonIgnore
  public boolean registryPlainHttp() {
    String url = controller == null ? null : controller.registry();
    return url != null && url.regionMatches(true, 0, "http://", 0, 7);
  }

  /** Copy with other steps (the dispatcher's resolved form). */
  public Task withSteps(List<TaskStep> newSteps) {
    return new Task(
        apiVersion,
        kind,
        jobId,
        recipe,
        machine,
        controller,
        registryHost,
        caBundle,
        credentials,
        newSteps,
        disk,
        toolSigningKeys);
  }

  /** Copy with disk rules. */
  public Task withDisk(DiskRules rules) {
    return new Task(
        apiVersion,
        kind,
        jobId,
        recipe,
        machine,
        controller,
        registryHost,
        caBundle,
        credentials,
        steps,
        rules,
        toolSigningKeys);
  }

  /** Copy with the site's image-signing public keys (null or empty: none). */
  public Task withToolSigningKeys(List<String> keys) {
    return new Task(
        apiVersion,
        kind,
        jobId,
        recipe,
        machine,
        controller,
        registryHost,
        caBundle,
        credentials,
        steps,
        disk,
        keys);
  }

  /** A v1 task with the fixed apiVersion and kind. */
  public static Task v1(
      String jobId,
      String recipe,
      MachineRef machine,
      ControllerUrls controller,
      String registryHost,
      String caBundle,
      JobCredentials credentials,
      List<TaskStep> steps) {
    return new Task(
        API_VERSION,
        KIND,
        jobId,
        recipe,
        machine,
        controller,
        registryHost,
        caBundle,
        credentials,
        steps);
  }

  /** The step with this name, or null. */
  public TaskStep step(String name) {
    return steps.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
  }
}
