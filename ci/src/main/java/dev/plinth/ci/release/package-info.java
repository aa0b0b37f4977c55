/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */
/** Release packaging: the reproducible plinth-VERSION-linux.tar.gz. */
package dev.plinth.ci.release;
