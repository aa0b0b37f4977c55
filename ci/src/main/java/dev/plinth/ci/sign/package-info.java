/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

/**
 * Key-based, offline signing and verification of a release: {@code ci keygen}, {@code ci sign},
 * {@code ci verify}. Blobs get Sigstore bundles v0.3 (message signatures), every artifact an SLSA
 * provenance v1 statement in a DSSE envelope inside a bundle, images a cosign-layout signature that
 * podman and skopeo verify with a {@code sigstoreSigned} policy, and the provenance as an OCI
 * referrer. JDK crypto only (ECDSA P-256, SHA-256), so an air-gapped site needs nothing else.
 */
package dev.plinth.ci.sign;
