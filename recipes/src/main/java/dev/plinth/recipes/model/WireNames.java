/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes.model;

import java.util.Locale;

/** Maps enum constants to their wire spelling ({@code POWER_OFF} is {@code power-off}) and back. */
public final class WireNames {
  private WireNames() {}

  /** The wire spelling of a constant. */
  public static String of(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The constant spelled {@code wire}; the schema has already restricted the spelling. */
  public static <E extends Enum<E>> E parse(Class<E> type, String wire) {
    for (E e : type.getEnumConstants()) {
      if (of(e).equals(wire)) {
        return e;
      }
    }
    throw new IllegalArgumentException("unknown " + type.getSimpleName() + " '" + wire + "'");
  }
}
