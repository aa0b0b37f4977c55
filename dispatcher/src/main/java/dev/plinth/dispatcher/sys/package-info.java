/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

/**
 * How the dispatcher runs operating-system commands (systemctl, podman, journalctl, blkid, mount),
 * behind an interface so tests can script them. Depends on the JDK only.
 */
package dev.plinth.dispatcher.sys;
