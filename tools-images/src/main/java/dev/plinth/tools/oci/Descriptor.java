/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.tools.oci;

/** An OCI content descriptor: media type, {@code sha256:} digest and size in bytes. */
public record Descriptor(String mediaType, String digest, long size) {}
