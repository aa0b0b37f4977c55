/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

/**
 * The operator's web console: static assets (HTML, one ES module, one style sheet) served from the
 * jar at {@code /} and {@code /console/}, with the security headers a page holding an API token
 * needs. The page talks only to API v1 and {@code /v2}, with the same tokens and roles as the CLI;
 * nothing here reads the store.
 */
package dev.plinth.controller.console;
