/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */
/** Controller configuration: one YAML file read into records, with PLINTH_* overrides. */
package dev.plinth.controller.config;
