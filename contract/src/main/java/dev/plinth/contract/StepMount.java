/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.contract;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * A host path bind-mounted into a step's container.
 *
 * @param source absolute path on the maintenance OS
 * @param target absolute path inside the container
 * @param readOnly whether the mount is read-only
 */
@JsonPropertyOrder({"source", "target", "readOnly"})
public record StepMount(String source, String target, boolean readOnly) {}
