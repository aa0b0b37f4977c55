/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.sbom;

import com.github.packageurl.MalformedPackageURLException;
import com.github.packageurl.PackageURL;
import dev.plinth.ci.artifact.Artifact;
import dev.plinth.ci.artifact.Inventory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.cyclonedx.Version;
import org.cyclonedx.exception.ParseException;
import org.cyclonedx.generators.BomGeneratorFactory;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.Component;
import org.cyclonedx.model.Dependency;
import org.cyclonedx.model.Hash;
import org.cyclonedx.model.License;
import org.cyclonedx.model.LicenseChoice;
import org.cyclonedx.model.Metadata;
import org.cyclonedx.model.Property;
import org.cyclonedx.model.license.Expression;
import org.cyclonedx.model.metadata.ToolInformation;
import org.cyclonedx.parsers.JsonParser;

/**
 * Writes a CycloneDX 1.6 SBOM for every artifact of a dist directory's inventory, validated against
 * the bundled 1.6 schema, with deterministic bytes: components sorted by bom-ref, the serial number
 * a name-based UUID of the artifact's name and digest, the timestamp the build's SOURCE_DATE_EPOCH.
 *
 * <p>What each artifact contains:
 *
 * <ul>
 *   <li>a FILE tarball or jar: the Java libraries in it ({@link JavaComponents});
 *   <li>the maintenance ISO (a FILE ending {@code .iso}) and the maintenance image (repository
 *       containing {@code maintenance}): the packages of {@code
 *       maintenance-os/debian/trixie-amd64.lock} plus the dispatcher's Java libraries;
 *   <li>a tool image ({@code .../tools/<tool>}): the packages of {@code
 *       tools-images/debian/base.closure} and {@code <tool>.closure} for the image's architectures,
 *       with versions and hashes from {@code trixie.lock};
 *   <li>anything else (the CI-only test OS images): no components, said in a property.
 * </ul>
 */
public final class SbomGenerator {
  /** The CycloneDX version written. */
  public static final Version SPEC = Version.VERSION_16;

  /**
   * The schema validator warns about every CycloneDX schema keyword it does not know ({@code
   * meta:enum}, {@code deprecated}) on each run; they are annotations, not errors. Held so the
   * level sticks.
   */
  private static final Logger SCHEMA_LOG = Logger.getLogger("com.networknt.schema");

  static {
    SCHEMA_LOG.setLevel(Level.SEVERE);
  }

  private final Path repoRoot;
  private final JavaComponents java;
  private final DebLicences debLicences;
  private final Path dispatcherOverride;
  private final String toolVersion;

  /**
   * @param repoRoot the source tree (for the lock and closure files)
   * @param java reads Java libraries
   * @param debLicences finds Debian copyright files
   * @param dispatcherOverride the dispatcher (jar or tarball) for the maintenance OS, or null to
   *     use the inventory's FILE artifact whose name contains "dispatcher"
   * @param toolVersion this program's version (metadata.tools)
   */
  public SbomGenerator(
      Path repoRoot,
      JavaComponents java,
      DebLicences debLicences,
      Path dispatcherOverride,
      String toolVersion) {
    this.repoRoot = repoRoot;
    this.java = java;
    this.debLicences = debLicences;
    this.dispatcherOverride = dispatcherOverride;
    this.toolVersion = toolVersion;
  }

  /** Writes every artifact's SBOM; returns the files written, in inventory order. */
  public List<Path> writeAll(Path dist) {
    Inventory inv = Inventory.read(dist);
    List<Path> out = new ArrayList<>();
    for (Artifact a : inv.artifacts()) {
      out.add(write(dist, inv, a));
    }
    return out;
  }

  /** Writes one artifact's SBOM. */
  public Path write(Path dist, Inventory inv, Artifact a) {
    byte[] json = generate(dist, inv, a);
    Path file = SbomFiles.of(dist, a);
    try {
      Files.createDirectories(file.getParent());
      Path tmp = Files.createTempFile(file.getParent(), ".sbom", ".tmp");
      Files.write(tmp, json);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(a.name() + ": cannot write " + file, e);
    }
    return file;
  }

  /** The SBOM's bytes, validated. */
  public byte[] generate(Path dist, Inventory inv, Artifact a) {
    Contents c = contents(dist, inv, a);
    Bom bom = bom(inv, a, c);
    byte[] json;
    try {
      json =
          (BomGeneratorFactory.createJson(SPEC, bom).toJsonString() + "\n")
              .getBytes(StandardCharsets.UTF_8);
    } catch (org.cyclonedx.exception.GeneratorException e) {
      throw new IllegalStateException(a.name() + ": cannot write its SBOM: " + e.getMessage(), e);
    }
    List<ParseException> errors;
    try {
      errors = new JsonParser().validate(json, SPEC);
    } catch (IOException e) {
      throw new UncheckedIOException(a.name() + ": cannot validate its SBOM", e);
    }
    if (!errors.isEmpty()) {
      throw new IllegalStateException(
          a.name()
              + ": SBOM does not validate against CycloneDX 1.6: "
              + errors.stream().map(Throwable::getMessage).limit(5).toList());
    }
    return json;
  }

  /** What an artifact holds, and how that was decided. */
  record Contents(List<Part> parts, String kind, Component.Type type) {}

  Contents contents(Path dist, Inventory inv, Artifact a) {
    if (a.kind() == Artifact.Kind.FILE) {
      Path file = dist.resolve(a.path());
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException(a.name() + ": " + file + " is missing");
      }
      String actual = sha256(file);
      if (!actual.equals(a.hex())) {
        throw new IllegalArgumentException(
            a.name() + ": " + file + " has sha256 " + actual + ", artifacts.json says " + a.hex());
      }
      if (a.path().endsWith(".iso")) {
        return new Contents(
            maintenanceOs(dist, inv, a), "maintenance-os", Component.Type.OPERATING_SYSTEM);
      }
      return new Contents(java.of(file), "java", Component.Type.APPLICATION);
    }
    String repo = a.repository();
    String last = repo.substring(repo.lastIndexOf('/') + 1);
    if (repo.contains("maintenance")) {
      return new Contents(maintenanceOs(dist, inv, a), "maintenance-os", Component.Type.CONTAINER);
    }
    Path closure = repoRoot.resolve("tools-images/debian/" + last + ".closure");
    if (repo.contains("tools/") && Files.isRegularFile(closure)) {
      return new Contents(toolImage(dist, a, last), "tool-image", Component.Type.CONTAINER);
    }
    return new Contents(List.of(), "not-inventoried", Component.Type.CONTAINER);
  }

  private List<Part> toolImage(Path dist, Artifact a, String tool) {
    Path debian = repoRoot.resolve("tools-images/debian");
    List<DebPackage> lock = DebPackage.readLock(debian.resolve("trixie.lock"));
    List<String[]> lines = new ArrayList<>();
    lines.addAll(closure(debian.resolve("base.closure")));
    lines.addAll(closure(debian.resolve(tool + ".closure")));
    TreeSet<String> archs =
        ImageArchitectures.of(dist.resolve(a.path()), a.digest())
            .orElseGet(() -> new TreeSet<>(lines.stream().map(l -> l[0]).toList()));
    Map<String, DebPackage> byKey = new LinkedHashMap<>();
    for (DebPackage p : lock) {
      byKey.put(p.lockArch() + "/" + p.name(), p);
    }
    List<DebPackage> chosen = new ArrayList<>();
    for (String[] l : lines) {
      if (!archs.contains(l[0])) {
        continue;
      }
      DebPackage p = byKey.get(l[0] + "/" + l[1]);
      if (p == null) {
        throw new IllegalStateException(
            a.name() + ": " + l[1] + " (" + l[0] + ") is in a closure but not in trixie.lock");
      }
      chosen.add(p);
    }
    return debParts(chosen, lock);
  }

  private static List<String[]> closure(Path f) {
    try {
      List<String[]> out = new ArrayList<>();
      for (String line : Files.readAllLines(f)) {
        if (!line.isBlank() && !line.startsWith("#")) {
          out.add(line.split("\t", 2));
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + f, e);
    }
  }

  private List<Part> maintenanceOs(Path dist, Inventory inv, Artifact a) {
    List<DebPackage> lock =
        DebPackage.readLock(repoRoot.resolve("maintenance-os/debian/trixie-amd64.lock"));
    List<Part> parts = new ArrayList<>(debParts(lock, lock));
    Path dispatcher = dispatcherOverride;
    if (dispatcher == null) {
      Optional<Artifact> d =
          inv.artifacts().stream()
              .filter(x -> x.kind() == Artifact.Kind.FILE && x.name().contains("dispatcher"))
              .findFirst();
      if (d.isEmpty()) {
        throw new IllegalArgumentException(
            a.name()
                + ": carries the dispatcher, but the inventory has no dispatcher artifact"
                + " (pass --dispatcher FILE)");
      }
      dispatcher = dist.resolve(d.get().path());
    }
    parts.addAll(java.of(dispatcher));
    return parts;
  }

  private List<Part> debParts(List<DebPackage> packages, List<DebPackage> lock) {
    List<Part> out = new ArrayList<>();
    for (DebPackage p : packages) {
      TreeMap<String, String> q = new TreeMap<>();
      q.put("arch", p.arch());
      q.put("distro", "debian-13");
      if (!p.source().equals(p.name())) {
        q.put("upstream", p.source());
      }
      String purl;
      try {
        purl = new PackageURL("deb", "debian", p.name(), p.version(), q, null).canonicalize();
      } catch (MalformedPackageURLException e) {
        throw new IllegalArgumentException("bad package " + p, e);
      }
      TreeMap<String, String> props = new TreeMap<>();
      props.put("plinth:deb:filename", p.filename());
      props.put("plinth:deb:source", p.source());
      String licence = null;
      Optional<DebCopyright> cr = debLicences.copyright(p, lock).flatMap(DebCopyright::parse);
      if (cr.isPresent()) {
        licence = cr.get().expression();
        props.put("plinth:licence-source", "debian-copyright:" + cr.get().method());
      } else {
        props.put("plinth:licence-source", "none");
      }
      out.add(new Part(purl, null, p.name(), p.version(), p.sha256(), licence, props));
    }
    return out;
  }

  private Bom bom(Inventory inv, Artifact a, Contents c) {
    Bom bom = new Bom();
    bom.setSerialNumber(
        "urn:uuid:"
            + UUID.nameUUIDFromBytes(
                (a.name() + "@" + a.digest()).getBytes(StandardCharsets.UTF_8)));
    bom.setVersion(1);
    Metadata md = new Metadata();
    md.setTimestamp(new Date(inv.sourceDateEpoch() * 1000L));
    Component root = new Component();
    root.setType(c.type());
    root.setBomRef(a.name());
    root.setName(a.name());
    root.setVersion(inv.version());
    if (a.kind() == Artifact.Kind.FILE) {
      root.setHashes(List.of(new Hash(Hash.Algorithm.SHA_256, a.hex())));
    } else {
      TreeMap<String, String> q = new TreeMap<>();
      q.put("repository_url", a.repository());
      if (a.tag() != null) {
        q.put("tag", a.tag());
      }
      try {
        String name = a.repository().substring(a.repository().lastIndexOf('/') + 1);
        root.setPurl(new PackageURL("oci", null, name, a.digest(), q, null).canonicalize());
      } catch (MalformedPackageURLException e) {
        throw new IllegalArgumentException(a.name() + ": bad repository " + a.repository(), e);
      }
    }
    List<Property> rootProps = new ArrayList<>();
    rootProps.add(property("plinth:artifact:kind", a.kind().name()));
    if (a.path() != null) {
      rootProps.add(property("plinth:artifact:path", a.path()));
    }
    rootProps.add(property("plinth:artifact:digest", a.digest()));
    rootProps.add(property("plinth:commit", inv.commit()));
    rootProps.add(property("plinth:contents", c.kind()));
    root.setProperties(rootProps);
    md.setComponent(root);
    Component tool = new Component();
    tool.setType(Component.Type.APPLICATION);
    tool.setGroup("dev.plinth");
    tool.setName("plinth-ci");
    tool.setVersion(toolVersion);
    ToolInformation ti = new ToolInformation();
    ti.setComponents(List.of(tool));
    md.setToolChoice(ti);
    bom.setMetadata(md);

    TreeMap<String, Part> unique = new TreeMap<>();
    for (Part p : c.parts()) {
      unique.putIfAbsent(p.ref(), p);
    }
    List<Component> comps = new ArrayList<>();
    Dependency rootDep = new Dependency(a.name());
    for (Part p : unique.values()) {
      comps.add(component(p));
      rootDep.addDependency(new Dependency(p.ref()));
    }
    bom.setComponents(comps);
    bom.setDependencies(new ArrayList<>(List.of(rootDep)));
    return bom;
  }

  private static Component component(Part p) {
    Component c = new Component();
    c.setType(Component.Type.LIBRARY);
    c.setBomRef(p.ref());
    if (p.group() != null) {
      c.setGroup(p.group());
    }
    c.setName(p.name());
    if (p.version() != null) {
      c.setVersion(p.version());
    }
    if (p.purl() != null) {
      c.setPurl(p.purl());
    }
    if (p.sha256() != null) {
      c.setHashes(List.of(new Hash(Hash.Algorithm.SHA_256, p.sha256())));
    }
    c.setLicenses(licenceChoice(p.licence()));
    List<Property> props = new ArrayList<>();
    p.properties().forEach((k, v) -> props.add(property(k, v)));
    c.setProperties(props);
    return c;
  }

  /** The name written for a component whose licence was not found. */
  public static final String NOASSERTION = "NOASSERTION";

  static LicenseChoice licenceChoice(String expression) {
    LicenseChoice lc = new LicenseChoice();
    if (expression == null) {
      License l = new License();
      l.setName(NOASSERTION);
      lc.addLicense(l);
    } else if (isSpdxId(expression)) {
      License l = new License();
      l.setId(expression);
      lc.addLicense(l);
    } else {
      lc.setExpression(new Expression(expression));
    }
    return lc;
  }

  /** A single SPDX licence id that the schema's list knows (cyclonedx-core ships their texts). */
  static boolean isSpdxId(String s) {
    return s.matches("[A-Za-z0-9.+-]+")
        && !s.startsWith("LicenseRef-")
        && SbomGenerator.class.getResource("/licenses/" + s + ".txt") != null;
  }

  private static String sha256(Path f) {
    try (InputStream in = Files.newInputStream(f)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int r = in.read(buf); r >= 0; r = in.read(buf)) {
        md.update(buf, 0, r);
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + f, e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Property property(String name, String value) {
    Property p = new Property();
    p.setName(name);
    p.setValue(value);
    return p;
  }
}
