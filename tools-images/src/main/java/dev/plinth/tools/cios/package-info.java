/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

/**
 * The CI-only test OS artifacts ({@code ci-only/os/linux-rootfs:1}, {@code linux-raw:1}, {@code
 * minimal-wim:1}): {@link dev.plinth.tools.cios.CiOsBuild} runs {@code ci-os/build.sh}, which makes
 * the payloads deterministically, and {@link dev.plinth.tools.cios.CiOsArtifacts} publishes them as
 * OCI artifacts (empty config, one titled layer, {@code dev.plinth.ci-only=true}) in an OCI layout
 * and a tar bundle that {@code plinth registry import} reads. {@link
 * dev.plinth.tools.cios.CiOsMain} is the command line ({@code ci-os/bundle.sh}). Uses {@code
 * dev.plinth.tools.oci} for the layout.
 */
package dev.plinth.tools.cios;
