/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

/**
 * Registry publication: a small OCI distribution client, {@code ci publish} (dist to staging, with
 * SBOM referrers), {@code ci promote} (staging to production by digest, signatures and referrers
 * along) and {@code ci retention}.
 */
package dev.plinth.ci.publish;
