/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

/**
 * The versioned contracts between the controller and the dispatcher: Task ISO v1 ({@link
 * dev.plinth.contract.TaskIsoV1}, {@link dev.plinth.contract.Task}) and Webhook v1 ({@link
 * dev.plinth.contract.Event}, {@link dev.plinth.contract.WebhookSignature}). Both sides use these
 * classes and test against the golden fixtures under {@code dev/plinth/contract/fixtures/}. This
 * package depends on the JDK and Jackson only.
 */
package dev.plinth.contract;
