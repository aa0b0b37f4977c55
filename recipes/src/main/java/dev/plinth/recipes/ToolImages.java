/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.recipes;

import dev.plinth.recipes.model.ImageRef;
import java.util.EnumMap;
import java.util.Map;

/**
 * Which image each {@link Tool} runs from. The default tag {@value #CONTRACT_TAG} names version 1
 * of the argument contract; a site may point a tool at another tag or digest.
 */
public record ToolImages(Map<Tool, ImageRef> images) {
  /** The tag of the images that implement argument contract v1. */
  public static final String CONTRACT_TAG = "1";

  public ToolImages {
    EnumMap<Tool, ImageRef> copy = new EnumMap<>(Tool.class);
    for (Tool t : Tool.values()) {
      ImageRef ref = images.get(t);
      copy.put(t, ref != null ? ref : new ImageRef(t.repository(), CONTRACT_TAG, null));
    }
    images = Map.copyOf(copy);
  }

  /** Every tool at {@code plinth/tools/<name>:1}. */
  public static ToolImages defaults() {
    return new ToolImages(Map.of());
  }

  /** The image of one tool. */
  public ImageRef of(Tool tool) {
    return images.get(tool);
  }
}
