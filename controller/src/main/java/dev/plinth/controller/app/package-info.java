/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

/**
 * Assembly: builds the running controller from its configuration (state, secrets, API, job engine,
 * server). The CLI's serve and demo commands and the end-to-end tests start it here.
 */
package dev.plinth.controller.app;
