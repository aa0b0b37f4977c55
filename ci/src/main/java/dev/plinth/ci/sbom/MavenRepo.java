/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.sbom;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * A local Maven repository (default {@code ~/.m2/repository}, or {@code -Dmaven.repo.local}): the
 * POMs the build resolved, read for their licences (walking {@code <parent>} until one declares
 * some).
 */
public final class MavenRepo {
  private final Path root;

  public MavenRepo(Path root) {
    this.root = root;
  }

  /** The repository Maven itself uses here. */
  public static MavenRepo defaults() {
    String p = System.getProperty("maven.repo.local");
    return new MavenRepo(
        p != null && !p.isBlank()
            ? Path.of(p)
            : Path.of(System.getProperty("user.home"), ".m2", "repository"));
  }

  /** The repository's root directory. */
  public Path root() {
    return root;
  }

  /** The directory of one version. */
  public Path dir(String group, String artifact, String version) {
    return root.resolve(group.replace('.', '/')).resolve(artifact).resolve(version);
  }

  /**
   * A POM licence.
   *
   * @param name {@code <name>}
   * @param url {@code <url>}
   */
  public record PomLicence(String name, String url) {}

  /** The licences declared by the POM or its nearest ancestor that declares any. */
  public Optional<List<PomLicence>> licences(String group, String artifact, String version) {
    String g = group;
    String a = artifact;
    String v = version;
    for (int depth = 0; depth < 12; depth++) {
      Path pom = dir(g, a, v).resolve(a + "-" + v + ".pom");
      if (!Files.isRegularFile(pom)) {
        return Optional.empty();
      }
      Element project = parse(pom);
      if (project == null) {
        return Optional.empty();
      }
      List<PomLicence> out = new ArrayList<>();
      Element licenses = child(project, "licenses");
      if (licenses != null) {
        NodeList l = licenses.getChildNodes();
        for (int i = 0; i < l.getLength(); i++) {
          if (l.item(i) instanceof Element e && e.getTagName().equals("license")) {
            out.add(new PomLicence(text(e, "name"), text(e, "url")));
          }
        }
      }
      if (!out.isEmpty()) {
        return Optional.of(out);
      }
      Element parent = child(project, "parent");
      if (parent == null) {
        return Optional.empty();
      }
      g = text(parent, "groupId");
      a = text(parent, "artifactId");
      v = text(parent, "version");
      if (g == null || a == null || v == null) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  private static Element parse(Path pom) {
    try (InputStream in = Files.newInputStream(pom)) {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setExpandEntityReferences(false);
      Document d = f.newDocumentBuilder().parse(in);
      return d.getDocumentElement();
    } catch (IOException
        | javax.xml.parsers.ParserConfigurationException
        | org.xml.sax.SAXException e) {
      return null;
    }
  }

  private static Element child(Element e, String name) {
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element c && c.getTagName().equals(name)) {
        return c;
      }
    }
    return null;
  }

  private static String text(Element e, String name) {
    Element c = child(e, name);
    return c == null ? null : c.getTextContent().strip();
  }
}
