/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

/**
 * Deterministic ISO 9660 images: {@link dev.plinth.iso.IsoTree} describes the content, {@link
 * dev.plinth.iso.IsoWriter} writes it (Rock Ridge, Joliet, El Torito BIOS and UEFI, hybrid MBR/GPT)
 * and {@link dev.plinth.iso.IsoReader} lists and extracts images, distrusting every byte it reads.
 * Only the JDK is used. Format decisions are recorded in {@code docs/iso.md}.
 */
package dev.plinth.iso;
