/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.contract;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Where the dispatcher reaches the controller.
 *
 * @param api base URL of the controller's API, e.g. {@code https://plinth.example:8443}
 * @param webhook the exact URL this job posts its events to: {@code
 *     <base>/webhooks/v1/jobs/<jobId>/events}
 * @param registry base URL of the OCI registry the step images come from
 */
@JsonPropertyOrder({"api", "webhook", "registry"})
public record ControllerUrls(String api, String webhook, String registry) {}
