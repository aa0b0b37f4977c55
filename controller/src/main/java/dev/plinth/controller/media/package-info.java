/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

/**
 * Media served to BMCs: task ISOs at unguessable per-job URLs, with HEAD, single and multiple byte
 * ranges, ETag and Last-Modified.
 */
package dev.plinth.controller.media;
