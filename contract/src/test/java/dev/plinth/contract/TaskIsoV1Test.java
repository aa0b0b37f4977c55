/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskIsoV1Test {

  private static Map<String, byte[]> files() {
    return new HashMap<>(TaskIsoV1.files(ContractFixtures.exampleTask()));
  }

  @Test
  void sameTaskGivesSameBytes() {
    assertThat(TaskIsoV1.files(ContractFixtures.exampleTask()).get(TaskIsoV1.TASK_JSON))
        .isEqualTo(TaskIsoV1.files(ContractFixtures.exampleTask()).get(TaskIsoV1.TASK_JSON));
  }

  @Test
  void alteredTaskJsonIsRefused() {
    Map<String, byte[]> f = files();
    String json = new String(f.get("task.json"), StandardCharsets.UTF_8).replace("m1", "m2");
    f.put("task.json", json.getBytes(StandardCharsets.UTF_8));
    ContractException e = assertThrows(ContractException.class, () -> TaskIsoV1.verify(f));
    assertThat(e.problems())
        .containsExactly("task.json: SHA-256 does not match SHA256SUMS (corrupt or altered)");
  }

  @Test
  void unlistedExtraFileAndMissingSumsAreRefused() {
    Map<String, byte[]> f = files();
    f.put("extra.sh", new byte[] {1});
    assertThat(assertThrows(ContractException.class, () -> TaskIsoV1.verify(f)).problems())
        .containsExactly("extra.sh: present but not listed in SHA256SUMS");
    Map<String, byte[]> g = files();
    g.remove("SHA256SUMS");
    assertThat(assertThrows(ContractException.class, () -> TaskIsoV1.verify(g)).getMessage())
        .contains("SHA256SUMS: missing");
  }

  @Test
  void malformedAndIncompleteSumsAreRefused() {
    Map<String, byte[]> f = files();
    f.put("SHA256SUMS", "not a sum line\n".getBytes(StandardCharsets.US_ASCII));
    assertThat(assertThrows(ContractException.class, () -> TaskIsoV1.verify(f)).getMessage())
        .contains("SHA256SUMS:1");
    Map<String, byte[]> g = files();
    g.put("SHA256SUMS", TaskIsoV1.sums(Map.of("other", new byte[0])));
    g.put("other", new byte[0]);
    assertThat(assertThrows(ContractException.class, () -> TaskIsoV1.verify(g)).problems())
        .contains(
            "task.json: present but not listed in SHA256SUMS",
            "task.json: not listed in SHA256SUMS");
  }

  @Test
  void upperCasedIsoNamesAreAccepted() throws Exception {
    Map<String, byte[]> f = files();
    Map<String, byte[]> upper =
        Map.of("TASK.JSON", f.get("task.json"), "SHA256SUMS", f.get("SHA256SUMS"));
    assertThat(TaskIsoV1.verify(upper).jobId()).isEqualTo("job-0001");
  }

  @Test
  void validTaskWithBadSchemaIsRefusedAfterTheSumsCheck() {
    byte[] json = "{\"apiVersion\":\"plinth.dev/v2\"}".getBytes(StandardCharsets.UTF_8);
    Map<String, byte[]> f =
        Map.of("task.json", json, "SHA256SUMS", TaskIsoV1.sums(Map.of("task.json", json)));
    ContractException e = assertThrows(ContractException.class, () -> TaskIsoV1.verify(f));
    assertThat(e.problems())
        .contains(
            "apiVersion: must be plinth.dev/v1, is plinth.dev/v2",
            "steps: at least one step is required");
    assertThat(e.problems()).hasSizeGreaterThan(4);
    assertThat(List.of(TaskIsoV1.VOLUME_LABEL)).containsExactly("PLINTH-TASK");
  }
}
