/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.contract;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** The meaning checks of Task v1, beyond what JSON parsing catches. Lists every problem. */
final class TaskValidation {

  static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  static final Pattern STEP_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern UUID =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  static final int MAX_TIMEOUT_SECONDS = 86_400;
  static final int MAX_RETRIES = 10;
  static final int MAX_FILE_BYTES = 1 << 20;
  private static final Set<String> TRANSPORTS = Set.of("nvme", "sata", "sas", "scsi", "virtio");

  private TaskValidation() {}

  static List<String> problems(Task t) {
    List<String> p = new ArrayList<>();
    if (!Task.API_VERSION.equals(t.apiVersion())) {
      p.add("apiVersion: must be " + Task.API_VERSION + ", is " + t.apiVersion());
    }
    if (!Task.KIND.equals(t.kind())) {
      p.add("kind: must be " + Task.KIND + ", is " + t.kind());
    }
    if (t.jobId() == null || !JOB_ID.matcher(t.jobId()).matches()) {
      p.add("jobId: must match " + JOB_ID + ", is " + t.jobId());
    }
    machine(t.machine(), p);
    controller(t, p);
    if (t.registryHost() == null || t.registryHost().isBlank()) {
      p.add("registryHost: required");
    }
    caBundle(t.caBundle(), p);
    p.addAll(ToolSigningKeys.problems(t.toolSigningKeys()));
    credentials(t.credentials(), p);
    steps(t, p);
    disk(t.disk(), p);
    return p;
  }

  private static void disk(DiskRules d, List<String> p) {
    if (d == null) {
      return;
    }
    if (d.prefer() != null
        && !DiskRules.SMALLEST.equals(d.prefer())
        && !DiskRules.LARGEST.equals(d.prefer())) {
      p.add("disk.prefer: must be smallest or largest, is " + d.prefer());
    }
    if (d.transport() != null && !TRANSPORTS.contains(d.transport())) {
      p.add(
          "disk.transport: must be one of "
              + new java.util.TreeSet<>(TRANSPORTS)
              + ", is "
              + d.transport());
    }
    if (d.minSizeBytes() != null
        && d.maxSizeBytes() != null
        && d.minSizeBytes() > d.maxSizeBytes()) {
      p.add("disk: minSizeBytes is larger than maxSizeBytes");
    }
  }

  private static void machine(MachineRef m, List<String> p) {
    if (m == null) {
      p.add("machine: required");
      return;
    }
    if (m.id() == null || m.id().isBlank()) {
      p.add("machine.id: required");
    }
    if (m.systemUuid() != null && !UUID.matcher(m.systemUuid()).matches()) {
      p.add("machine.systemUuid: not a UUID: " + m.systemUuid());
    }
    if (m.serial() != null && m.serial().isBlank()) {
      p.add("machine.serial: empty (omit it instead)");
    }
  }

  private static void controller(Task t, List<String> p) {
    ControllerUrls c = t.controller();
    if (c == null) {
      p.add("controller: required");
      return;
    }
    url("controller.api", c.api(), p);
    url("controller.registry", c.registry(), p);
    if (url("controller.webhook", c.webhook(), p)
        && t.jobId() != null
        && !URI.create(c.webhook())
            .getPath()
            .endsWith("/webhooks/v1/jobs/" + t.jobId() + "/events")) {
      p.add("controller.webhook: must end with /webhooks/v1/jobs/" + t.jobId() + "/events");
    }
  }

  private static boolean url(String path, String v, List<String> p) {
    if (v == null) {
      p.add(path + ": required");
      return false;
    }
    try {
      URI u = new URI(v);
      if (!("https".equals(u.getScheme()) || "http".equals(u.getScheme())) || u.getHost() == null) {
        p.add(path + ": must be an absolute http(s) URL, is " + v);
        return false;
      }
      return true;
    } catch (java.net.URISyntaxException e) {
      p.add(path + ": not a URL: " + v);
      return false;
    }
  }

  private static void caBundle(String pem, List<String> p) {
    if (pem == null) {
      return;
    }
    try {
      var certs =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(
                  new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
      if (certs.isEmpty()) {
        p.add("caBundle: holds no certificate");
      }
    } catch (CertificateException e) {
      p.add("caBundle: not PEM X.509 certificates: " + e.getMessage());
    }
  }

  private static void credentials(JobCredentials c, List<String> p) {
    if (c == null) {
      p.add("credentials: required");
      return;
    }
    if (c.jobToken() == null || c.jobToken().isBlank()) {
      p.add("credentials.jobToken: required");
    }
    if ((c.registryUsername() == null) != (c.registryPassword() == null)) {
      p.add("credentials.registryUsername and registryPassword: both or neither");
    } else if (c.registryUsername() != null && c.registryUsername().contains(":")) {
      p.add("credentials.registryUsername: must not contain ':'");
    }
    if (c.webhookHmacKey() == null) {
      p.add("credentials.webhookHmacKey: required");
      return;
    }
    try {
      if (Base64.getDecoder().decode(c.webhookHmacKey()).length < 16) {
        p.add("credentials.webhookHmacKey: shorter than 16 bytes");
      }
    } catch (IllegalArgumentException e) {
      p.add("credentials.webhookHmacKey: not base64");
    }
  }

  private static void steps(Task t, List<String> p) {
    if (t.steps().isEmpty()) {
      p.add("steps: at least one step is required");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < t.steps().size(); i++) {
      step("steps[" + i + "]", t.steps().get(i), t.registryHost(), names, p);
    }
  }

  private static void step(
      String at, TaskStep s, String registryHost, Set<String> names, List<String> p) {
    if (s == null) {
      p.add(at + ": null");
      return;
    }
    if (s.name() == null || !STEP_NAME.matcher(s.name()).matches()) {
      p.add(at + ".name: must match " + STEP_NAME + ", is " + s.name());
    } else if (!names.add(s.name())) {
      p.add(at + ".name: duplicate step name " + s.name());
    }
    if (s.image() == null) {
      p.add(at + ".image: required");
    } else {
      try {
        ImageRef ref = ImageRef.parse(s.image());
        if (registryHost != null && !ref.registry().equals(registryHost)) {
          p.add(at + ".image: not from the task's registry " + registryHost + ": " + s.image());
        }
      } catch (IllegalArgumentException e) {
        p.add(at + ".image: " + e.getMessage());
      }
    }
    if (s.timeoutSeconds() < 1 || s.timeoutSeconds() > MAX_TIMEOUT_SECONDS) {
      p.add(
          at + ".timeoutSeconds: must be 1.." + MAX_TIMEOUT_SECONDS + ", is " + s.timeoutSeconds());
    }
    if (s.retries() < 0 || s.retries() > MAX_RETRIES) {
      p.add(at + ".retries: must be 0.." + MAX_RETRIES + ", is " + s.retries());
    }
    for (Map.Entry<String, String> e : s.env().entrySet()) {
      if (!ENV_NAME.matcher(e.getKey()).matches() || e.getValue() == null) {
        p.add(at + ".env." + e.getKey() + ": bad variable name or null value");
      }
    }
    for (int i = 0; i < s.args().size(); i++) {
      if (s.args().get(i) == null) {
        p.add(at + ".args[" + i + "]: null");
      }
    }
    for (int i = 0; i < s.devices().size(); i++) {
      String d = s.devices().get(i);
      boolean deviceClass = TaskStep.TARGET_DISK.equals(d) || TaskStep.ALL_DISKS.equals(d);
      if (!deviceClass
          && (d == null || !d.startsWith("/dev/") || d.contains("..") || d.contains(":"))) {
        p.add(
            at
                + ".devices["
                + i
                + "]: must be a path under /dev/, target-disk or all-disks, is "
                + d);
      }
    }
    long fileBytes = 0;
    for (Map.Entry<String, String> f : s.files().entrySet()) {
      if (!absolute(f.getKey()) || f.getKey().endsWith("/") || f.getValue() == null) {
        p.add(
            at
                + ".files."
                + f.getKey()
                + ": must be an absolute file path without ':' or '..', with content");
      } else {
        fileBytes += f.getValue().length();
      }
    }
    if (fileBytes > MAX_FILE_BYTES) {
      p.add(at + ".files: more than " + MAX_FILE_BYTES + " characters in total");
    }
    for (int i = 0; i < s.mounts().size(); i++) {
      StepMount m = s.mounts().get(i);
      if (m == null || !absolute(m.source()) || !absolute(m.target())) {
        p.add(
            at
                + ".mounts["
                + i
                + "]: source and target must be absolute paths without ':' or '..'");
      }
    }
  }

  private static boolean absolute(String path) {
    return path != null && path.startsWith("/") && !path.contains(":") && !path.contains("..");
  }
}
