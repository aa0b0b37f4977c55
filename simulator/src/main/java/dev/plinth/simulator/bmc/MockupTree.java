/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.simulator.bmc;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The read-only resource tree of a flavour: a DMTF mockup from the classpath with the vendor's
 * system and manager ids, shared by every simulated BMC of that flavour (state is overlaid per
 * BMC). Resources are kept as bytes; the dynamic ones are parsed per request.
 */
final class MockupTree {
  static final ObjectMapper JSON = JsonMapper.builder().build();
  static final String ROOT = "/redfish/v1";
  private static final String BASE = "/dev/plinth/simulator/bmc/mockups/";
  private static final Map<Flavour, MockupTree> CACHE = new ConcurrentHashMap<>();
  private static final Pattern SYSTEM = Pattern.compile("^/redfish/v1/Systems/[^/]+$");
  private static final Pattern MANAGER = Pattern.compile("^/redfish/v1/Managers/[^/]+$");

  private final Map<String, byte[]> resources;
  private final List<String> systems;
  private final List<String> managers;

  private MockupTree(Map<String, byte[]> resources) {
    this.resources = resources;
    this.systems = resources.keySet().stream().filter(p -> SYSTEM.matcher(p).matches()).toList();
    this.managers = resources.keySet().stream().filter(p -> MANAGER.matcher(p).matches()).toList();
  }

  static MockupTree of(Flavour f) {
    return CACHE.computeIfAbsent(f, MockupTree::load);
  }

  private static MockupTree load(Flavour f) {
    Flavour.Shape s = f.shape();
    String dir = BASE + s.mockup() + "/";
    Map<String, byte[]> out = new LinkedHashMap<>();
    String list = new String(read(dir + "resources.txt"), StandardCharsets.UTF_8);
    for (String rel : list.split("\n", -1)) {
      if (rel.isBlank() && !out.isEmpty()) {
        continue;
      }
      String file = dir + (rel.isBlank() ? "" : rel + "/") + "index.json";
      String text = rename(new String(read(file), StandardCharsets.UTF_8), s);
      String path = rename(ROOT + (rel.isBlank() ? "" : "/" + rel), s);
      if (s.mediaOnManager() && path.matches("^/redfish/v1/Systems/[^/]+/VirtualMedia(/.*)?$")) {
        continue;
      }
      out.put(path, text.getBytes(StandardCharsets.UTF_8));
    }
    return new MockupTree(Map.copyOf(out));
  }

  /** Gives the mockup's system and manager the flavour's ids, in paths and in links. */
  static String rename(String text, Flavour.Shape s) {
    String t = text;
    if (s.systemId() != null) {
      t = replacePath(t, "/redfish/v1/Systems/437XR1138R2", "/redfish/v1/Systems/" + s.systemId());
    }
    if (s.managerId() != null) {
      t = replacePath(t, "/redfish/v1/Managers/BMC", "/redfish/v1/Managers/" + s.managerId());
    }
    return t;
  }

  private static String replacePath(String text, String from, String to) {
    return Pattern.compile(Pattern.quote(from) + "(?=[/\"#]|$)")
        .matcher(text)
        .replaceAll(Matcher.quoteReplacement(to));
  }

  private static byte[] read(String resource) {
    try (InputStream in = MockupTree.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing simulator resource " + resource);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  byte[] bytes(String path) {
    return resources.get(path);
  }

  /** A fresh, mutable copy of a resource, or null. */
  ObjectNode object(String path) {
    byte[] b = resources.get(path);
    if (b == null) {
      return null;
    }
    try {
      return (ObjectNode) JSON.readTree(b);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  List<String> systems() {
    return systems;
  }

  List<String> managers() {
    return new ArrayList<>(managers);
  }
}
