/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */
/** Air-gapped transfer: import and export of OCI image layouts (directory or tar). */
package dev.plinth.registry.transfer;
