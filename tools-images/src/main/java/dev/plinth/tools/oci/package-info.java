/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

/**
 * Deterministic OCI images without a daemon: {@link dev.plinth.tools.oci.LayerTree} collects a
 * layer's entries (directories, files, symlinks, hardlinks), {@link
 * dev.plinth.tools.oci.LayerWriter} writes them as a reproducible tar+gzip blob, {@link
 * dev.plinth.tools.oci.OciLayout} stores blobs, configs, manifests and indexes as an OCI image
 * layout and bundles it as a tar, {@link dev.plinth.tools.oci.Materializer} unpacks an image's
 * layers into a directory and {@link dev.plinth.tools.oci.RegistryPush} pushes a layout to any /v2
 * registry. Uses the JDK, Jackson and commons-compress; knows nothing of Debian.
 */
package dev.plinth.tools.oci;
