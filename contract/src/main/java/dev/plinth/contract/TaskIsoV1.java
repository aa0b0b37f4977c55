/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.contract;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Task ISO v1: an ISO 9660 image (with Rock Ridge or Joliet names) whose volume label is {@value
 * #VOLUME_LABEL} and whose root holds exactly {@value #TASK_JSON} and {@value #SHA256SUMS}.
 *
 * <p>{@code SHA256SUMS} lists every other file of the root in {@code sha256sum} format, sorted by
 * name: {@code <64 lowercase hex><two spaces><name>\n}, so {@code sha256sum -c SHA256SUMS} works on
 * the mounted image. The controller writes the files of {@link #files(Task)} into the image; the
 * dispatcher checks what it read with {@link #verify(Map)}.
 */
public final class TaskIsoV1 {

  public static final String VOLUME_LABEL = "PLINTH-TASK";
  public static final String TASK_JSON = "task.json";
  public static final String SHA256SUMS = "SHA256SUMS";

  /** Upper bound on any file of a task ISO; task.json is a few KiB. */
  public static final int MAX_FILE_BYTES = 4 * 1024 * 1024;

  private static final Pattern SUM_LINE = Pattern.compile("([0-9a-f]{64})  ([^/\\s]+)");

  private TaskIsoV1() {}

  /** The exact files of the ISO's root, by name: {@code task.json} and {@code SHA256SUMS}. */
  public static SortedMap<String, byte[]> files(Task task) {
    byte[] json = ContractJson.writeTask(task);
    SortedMap<String, byte[]> files = new TreeMap<>();
    files.put(TASK_JSON, json);
    files.put(SHA256SUMS, sums(Map.of(TASK_JSON, json)));
    return Collections.unmodifiableSortedMap(files);
  }

  /** The {@code SHA256SUMS} content for these files. */
  public static byte[] sums(Map<String, byte[]> files) {
    StringBuilder sb = new StringBuilder();
    new TreeMap<>(files)
        .forEach(
            (name, bytes) -> sb.append(sha256Hex(bytes)).append("  ").append(name).append('\n'));
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Checks the root files read from a task ISO and returns the validated task. Names are matched
   * exactly, then case-insensitively (plain ISO 9660 readers upper-case them).
   */
  public static Task verify(Map<String, byte[]> rootFiles) throws ContractException {
    Map<String, byte[]> byName = normalize(rootFiles);
    byte[] sums = byName.get(SHA256SUMS);
    if (sums == null) {
      throw new ContractException(List.of("SHA256SUMS: missing from the task ISO"));
    }
    Map<String, String> listed = parseSums(sums);
    List<String> problems = new ArrayList<>();
    for (var e : listed.entrySet()) {
      byte[] content = byName.get(e.getKey());
      if (content == null) {
        problems.add(e.getKey() + ": listed in SHA256SUMS but missing");
      } else if (!sha256Hex(content).equals(e.getValue())) {
        problems.add(e.getKey() + ": SHA-256 does not match SHA256SUMS (corrupt or altered)");
      }
    }
    for (String name : byName.keySet()) {
      if (!name.equals(SHA256SUMS) && !listed.containsKey(name)) {
        problems.add(name + ": present but not listed in SHA256SUMS");
      }
    }
    if (!listed.containsKey(TASK_JSON)) {
      problems.add("task.json: not listed in SHA256SUMS");
    }
    if (!problems.isEmpty()) {
      throw new ContractException(problems);
    }
    return ContractJson.readTask(byName.get(TASK_JSON));
  }

  private static Map<String, byte[]> normalize(Map<String, byte[]> files) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (var e : files.entrySet()) {
      String n = e.getKey();
      String canon =
          n.equalsIgnoreCase(TASK_JSON)
              ? TASK_JSON
              : n.equalsIgnoreCase(SHA256SUMS) ? SHA256SUMS : n;
      out.put(canon, e.getValue());
    }
    return out;
  }

  private static Map<String, String> parseSums(byte[] sums) throws ContractException {
    Map<String, String> listed = new TreeMap<>();
    String text = new String(sums, StandardCharsets.US_ASCII);
    int lineNo = 0;
    for (String line : text.split("\n")) {
      lineNo++;
      if (line.isEmpty()) {
        continue;
      }
      Matcher m = SUM_LINE.matcher(line);
      if (!m.matches()) {
        throw new ContractException(
            List.of("SHA256SUMS:" + lineNo + ": not '<sha256 hex>  <name>': " + line.strip()));
      }
      String name = m.group(2).equalsIgnoreCase(TASK_JSON) ? TASK_JSON : m.group(2);
      if (listed.put(name, m.group(1)) != null) {
        throw new ContractException(
            List.of("SHA256SUMS:" + lineNo + ": " + name + " listed twice"));
      }
    }
    return listed;
  }

  /** Lowercase hex SHA-256 of the bytes. */
  public static String sha256Hex(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }
}
