/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */
/**
 * The Netty data plane: zero-copy (sendfile) serving of files by signed or secret URLs, with
 * ranges.
 */
package dev.plinth.registry.dataplane;
