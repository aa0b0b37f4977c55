/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.controller.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.plinth.controller.Layout;
import dev.plinth.controller.config.ConfigException;
import dev.plinth.controller.config.ConfigLoader;
import dev.plinth.controller.config.ExternalRegistry;
import dev.plinth.controller.config.PlinthConfig;
import dev.plinth.registry.Registry;
import dev.plinth.registry.api.Glob;
import dev.plinth.registry.api.RegistryException;
import dev.plinth.registry.api.RepositoryName;
import dev.plinth.registry.gc.Reports;
import dev.plinth.registry.gc.RetentionPolicy;
import dev.plinth.registry.transfer.Progress;
import dev.plinth.registry.transfer.Transfer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code plinth registry ...}: offline maintenance of the embedded registry's storage. */
@Command(
    name = "registry",
    mixinStandardHelpOptions = true,
    description = "Embedded OCI registry: import, export, ls, gc, retain, fsck.",
    subcommands = {
      RegistryCommand.Import.class,
      RegistryCommand.Export.class,
      RegistryCommand.Ls.class,
      RegistryCommand.Gc.class,
      RegistryCommand.Retain.class,
      RegistryCommand.Fsck.class,
    })
final class RegistryCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Options shared by every subcommand: where the data directory is. */
  abstract static class Base implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = {"-c", "--config"},
        paramLabel = "FILE",
        description = "Configuration file.")
    Path config;

    @Option(names = "--data", paramLabel = "DIR", description = "Data directory.")
    Path data;

    /** Opens the registry of an existing data directory: read-only commands create nothing. */
    Registry open() throws IOException {
      return open(false);
    }

    /**
     * Opens the registry of the data directory; with {@code create}, makes it when missing (only
     * {@code import} writes into a new one).
     */
    Registry open(boolean create) throws IOException {
      PlinthConfig c;
      try {
        c = ConfigLoader.load(config, System.getenv());
      } catch (ConfigException | IllegalArgumentException e) {
        throw new UserException(e.getMessage(), e);
      }
      Path dir = data != null ? data : c.dataDir();
      Layout layout = new Layout(dir);
      if (create) {
        layout.create();
      } else if (!Files.isDirectory(layout.registry())) {
        throw new UserException(
            "no registry in "
                + dir.toAbsolutePath()
                + " (it would be "
                + layout.registry()
                + "): give the controller's data directory with --data DIR or --config FILE");
      }
      return Registry.builder().root(layout.registry()).dataPlane(false).start();
    }

    /**
     * The external registry the configuration names ({@code registry.url} in {@code --config FILE},
     * or {@code PLINTH_REGISTRY_*}), or null: then {@code import} and {@code export} go there by
     * default, and the commands that work on the embedded registry's storage refuse.
     */
    ExternalRegistry externalRegistry() {
      if (data != null) {
        return null;
      }
      try {
        return ConfigLoader.load(config, System.getenv()).registry();
      } catch (ConfigException | IllegalArgumentException e) {
        throw new UserException(e.getMessage(), e);
      }
    }

    /** Refuses a command on the embedded registry when the configuration names an external one. */
    void refuseIfExternal(String what) {
      ExternalRegistry ext = externalRegistry();
      if (ext != null) {
        throw new UserException(
            "the registry is external ("
                + ext.base()
                + ", registry.url): "
                + what
                + " with its own tools (Harbor: its garbage collection and tag retention; zot: its"
                + " gc and retention settings; distribution: registry garbage-collect)");
      }
    }

    /** {@code text} as a repository name, or a {@link UserException} that shows the form. */
    static RepositoryName repository(String text) {
      try {
        return RepositoryName.parse(text);
      } catch (IllegalArgumentException e) {
        throw new UserException(
            "'" + text + "' is not a repository name (lower-case path such as plinth/tools/wipe)",
            e);
      }
    }

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    /** Ends the progress line on a terminal. */
    void endBar() {
      if (Terminal.interactive()) {
        spec.commandLine().getErr().println();
        spec.commandLine().getErr().flush();
      }
    }

    /**
     * Progress on stderr: one line redrawn with {@code \r} on a terminal; else (a log, a pipe) a
     * line at every tenth.
     */
    Progress bar(String what) {
      return bar(what, spec.commandLine().getErr(), Terminal.interactive());
    }

    static Progress bar(String what, PrintWriter err, boolean terminal) {
      return new Progress() {
        long last = -1;

        @Override
        public void update(long done, long total) {
          long percent = total == 0 ? 100 : done * 100 / total;
          long step = terminal ? percent : percent / 10 * 10;
          if (step != last) {
            last = step;
            err.printf(
                (terminal ? "\r" : "") + "%s: %3d%% %,.1f/%,.1f MiB" + (terminal ? "" : "%n"),
                what,
                step,
                done / 1048576.0,
                total / 1048576.0);
            err.flush();
          }
        }
      };
    }
  }

  /**
   * Where {@code import} and {@code export} go without {@code --data}: the controller's registry
   * (its URL and API token as for every client command) or, with {@code --registry-url}, any OCI
   * registry.
   */
  static final class Remote {
    @Option(
        names = "--url",
        paramLabel = "URL",
        description = "Controller URL (default: $PLINTH_URL, the login, or http://127.0.0.1:8080).")
    String url;

    @Option(
        names = "--token",
        paramLabel = "TOKEN",
        description = "API token (default: $PLINTH_TOKEN, or the login).")
    String token;

    @Option(
        names = "--registry-url",
        paramLabel = "URL",
        description = "Another OCI registry instead of the controller's (http(s)://HOST:PORT).")
    String registryUrl;

    @Option(
        names = "--username",
        paramLabel = "USER",
        description = "User name for --registry-url.")
    String username;

    @Option(
        names = "--password-file",
        paramLabel = "FILE",
        description = "File holding the password for --registry-url.")
    Path passwordFile;

    /** The external registry's client: the push account to import, the pull account else. */
    static RegistryClient external(ExternalRegistry r, boolean push) {
      try {
        return push
            ? new RegistryClient(r.base(), r.pushUser(), r.pushPassword())
            : new RegistryClient(r.base(), r.username(), r.pullPassword());
      } catch (ConfigException e) {
        throw new UserException(e.getMessage(), e);
      }
    }

    RegistryClient client() {
      if (registryUrl == null) {
        if (username != null || passwordFile != null) {
          throw new UserException(
              "--username and --password-file go with --registry-url; the controller's registry"
                  + " takes the API token (--token, PLINTH_TOKEN or plinth login)");
        }
        ClientOptions o = new ClientOptions();
        o.url = url;
        o.token = token;
        ApiClient api = o.client();
        return new RegistryClient(api.base(), "plinth", api.token());
      }
      String base = ClientOptions.checkedUrl(registryUrl, "--registry-url");
      if ((username == null) != (passwordFile == null)) {
        throw new UserException("give both --username and --password-file, or neither");
      }
      if (username == null) {
        return new RegistryClient(base, null, null);
      }
      String password;
      try {
        password = Files.readString(passwordFile).strip();
      } catch (IOException e) {
        throw new UserException(
            "cannot read the password file " + passwordFile + " (" + e.getMessage() + ")", e);
      }
      return new RegistryClient(base, username, password);
    }
  }

  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      description =
          "Import an OCI image layout (directory or .tar), referrers included: into the"
              + " controller's registry over /v2 (--url, token), into another OCI registry"
              + " (--registry-url), or offline into a stopped controller's data directory (--data).")
  static final class Import extends Base {
    @Parameters(
        paramLabel = "PATH",
        description = "Layout directory or tar (skopeo oci:/oci-archive:).")
    Path path;

    @Option(
        names = "--repo",
        paramLabel = "NAME",
        description = "Repository to import into (default: the one each index entry names).")
    String repo;

    @Mixin Remote remote;

    @Override
    public Integer call() throws IOException {
      if (!Files.exists(path)) {
        throw new UserException(
            path + ": no such file or directory; give an OCI layout directory or .tar");
      }
      RepositoryName into = repo == null ? null : repository(repo);
      Transfer.ImportReport rep;
      ExternalRegistry ext = remote.registryUrl == null ? externalRegistry() : null;
      if (ext != null || (data == null && config == null)) {
        RegistryClient client = ext != null ? Remote.external(ext, true) : remote.client();
        rep = importing(() -> client.importLayout(path, into, bar("import")));
      } else {
        try (Registry r = open(true)) {
          rep = importing(() -> r.transfer().importLayout(path, into, bar("import")));
        }
      }
      rep.imported().forEach(out()::println);
      out().printf("imported %d blobs, %,d bytes%n", rep.blobs(), rep.bytes());
      return 0;
    }

    /** Runs an import, its layout errors said as such. */
    private Transfer.ImportReport importing(Step<Transfer.ImportReport> step) {
      try {
        return step.run();
      } catch (IOException | RegistryException | IllegalArgumentException e) {
        throw new UserException(
            path
                + " is not an OCI image layout that can be imported ("
                + e.getMessage()
                + "): make one with skopeo copy docker://IMAGE oci-archive:FILE.tar",
            e);
      } finally {
        endBar();
      }
    }
  }

  /** An import or export. */
  @FunctionalInterface
  interface Step<T> {
    T run() throws IOException;
  }

  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description =
          "Export images (with referrers) as an OCI layout: from the controller's registry over /v2"
              + " (--url, token), from another OCI registry (--registry-url), or offline from a"
              + " stopped controller's data directory (--data).")
  static final class Export extends Base {
    @Parameters(paramLabel = "REPO:TAG", arity = "1..*", description = "REPO:TAG or REPO@DIGEST.")
    List<String> refs;

    @Option(
        names = {"-o", "--output"},
        required = true,
        paramLabel = "FILE",
        description = "Output: a .tar file, or a directory.")
    Path output;

    @Mixin Remote remote;

    @Override
    public Integer call() throws IOException {
      Path parent = output.toAbsolutePath().getParent();
      if (parent != null && !Files.isDirectory(parent)) {
        throw new UserException(
            parent + " does not exist: export writes into an existing directory");
      }
      Transfer.ExportReport rep;
      ExternalRegistry ext = remote.registryUrl == null ? externalRegistry() : null;
      if (ext != null || (data == null && config == null)) {
        RegistryClient client = ext != null ? Remote.external(ext, false) : remote.client();
        rep = exporting(() -> client.export(refs, output, bar("export")));
      } else {
        try (Registry r = open()) {
          rep = exporting(() -> r.transfer().export(refs, output, bar("export")));
        }
      }
      out().printf("exported %d blobs, %,d bytes to %s%n", rep.blobs(), rep.bytes(), output);
      return 0;
    }

    private Transfer.ExportReport exporting(Step<Transfer.ExportReport> step) throws IOException {
      try {
        return step.run();
      } catch (RegistryException e) {
        throw new UserException(
            e.getMessage().replaceFirst("^unknown: ", "")
                + ": no such image in the registry (list them with plinth registry ls [REPO])",
            e);
      } catch (IllegalArgumentException e) {
        throw new UserException(
            "not a REPO:TAG or REPO@DIGEST in " + refs + ": " + e.getMessage(), e);
      } catch (IOException e) {
        throw new UserException("export to " + output + " failed: " + e.getMessage(), e);
      } finally {
        endBar();
      }
    }
  }

  @Command(
      name = "ls",
      mixinStandardHelpOptions = true,
      description =
          "List repositories, or the tags of one: through the controller's API (--url, token,"
              + " -o json), or offline in a data directory with --data DIR or --config FILE.")
  static final class Ls extends Base {
    @Parameters(arity = "0..1", paramLabel = "REPO")
    String repo;

    @Mixin ClientOptions opts;

    @Override
    public Integer call() throws IOException {
      ExternalRegistry ext = externalRegistry();
      if (ext != null) {
        throw new UserException(
            "the registry is external ("
                + ext.base()
                + ", registry.url): list it with its own UI, or skopeo list-tags docker://"
                + ext.host()
                + "/REPO");
      }
      if (data == null && config == null) {
        return overApi();
      }
      try (Registry r = open()) {
        if (repo == null) {
          for (RepositoryName n : r.maintenance().repositories()) {
            out().printf("%s\t%d tags%n", n, r.maintenance().tags(n).size());
          }
        } else {
          for (var t : r.maintenance().tags(repository(repo))) {
            out().printf("%s\t%s\t%s%n", t.tag(), t.digest(), t.pushed());
          }
        }
      }
      return 0;
    }

    /** Through the running controller's {@code /v2}: repositories and tag counts, or tags. */
    private int overApi() {
      ApiClient c = opts.client();
      Output o = opts.out(out());
      var rows = ApiClient.JSON.createArrayNode();
      if (repo == null) {
        for (String name : catalog(c)) {
          rows.addObject().put("repository", name).put("tags", tags(c, name).size());
        }
        o.list(rows, Output.col("REPOSITORY", "/repository"), Output.col("TAGS", "/tags"));
      } else {
        String name = repository(repo).toString();
        for (String tag : tags(c, name)) {
          rows.addObject()
              .put("tag", tag)
              .put("digest", c.registry("HEAD", "/v2/" + name + "/manifests/" + tag).digest());
        }
        o.list(rows, Output.col("TAG", "/tag"), Output.col("DIGEST", "/digest"));
      }
      return 0;
    }

    private static List<String> catalog(ApiClient c) {
      List<String> names = new ArrayList<>();
      String last = null;
      while (true) {
        JsonNode page =
            c.registry(
                    "GET",
                    "/v2/_catalog?n=1000" + (last == null ? "" : "&last=" + ApiClient.q(last)))
                .body();
        int before = names.size();
        page.path("repositories").forEach(n -> names.add(n.asText()));
        if (names.size() == before || names.size() - before < 1000) {
          return names;
        }
        last = names.getLast();
      }
    }

    private static List<String> tags(ApiClient c, String name) {
      List<String> tags = new ArrayList<>();
      c.registry("GET", "/v2/" + name + "/tags/list")
          .body()
          .path("tags")
          .forEach(t -> tags.add(t.asText()));
      return tags;
    }
  }

  /** gc, retain and fsck: over the API, or offline with {@code --data}; {@code -o json}. */
  abstract static class Maint extends Base {
    @Mixin ClientOptions opts;

    /** Whether to work on a data directory instead of through the API. */
    boolean offline() {
      refuseIfExternal("garbage-collect, retain and check it");
      return data != null || config != null;
    }

    /** POSTs {@code body} to {@code /api/v1/registry/NAME}; it may take long (fsck hashes). */
    JsonNode api(String name, Object body) {
      return opts.client()
          .send("POST", "/api/v1/registry/" + name, body, null, Duration.ofHours(1));
    }

    /** The report as JSON, whichever side made it. */
    static JsonNode tree(Object report) {
      return ApiClient.JSON.valueToTree(report);
    }
  }

  @Command(
      name = "gc",
      mixinStandardHelpOptions = true,
      description =
          "Delete blobs no manifest references (grace period applies): through the controller's"
              + " API (admin; grace at least 10m while it serves), or offline with --data DIR.")
  static final class Gc extends Maint {
    @Option(names = "--dry-run", description = "Only report.")
    boolean dryRun;

    @Option(
        names = "--grace",
        defaultValue = "1h",
        paramLabel = "DURATION",
        description = "Grace period (e.g. 30m, 1h; default ${DEFAULT-VALUE}).")
    Duration grace;

    @Override
    public Integer call() throws IOException {
      Output o = opts.out(out());
      JsonNode g;
      if (offline()) {
        try (Registry r = open()) {
          g = tree(r.maintenance().gc(grace, Duration.ofDays(1), dryRun));
        }
      } else {
        g = api("gc", java.util.Map.of("dryRun", dryRun, "graceSeconds", grace.toSeconds()));
      }
      if (!o.table()) {
        o.raw(g);
        return 0;
      }
      g.path("deleted")
          .forEach(d -> out().println((dryRun ? "would delete " : "deleted ") + d.asText()));
      out()
          .printf(
              "%d reachable, %d %s (%,d bytes), %d kept in grace, %d stale uploads removed%n",
              g.path("marked").asInt(),
              g.path("deleted").size(),
              dryRun ? "unreferenced" : "deleted",
              g.path("bytesFreed").asLong(),
              g.path("keptYoung").asInt(),
              g.path("uploadsExpired").asInt());
      return 0;
    }
  }

  @Command(
      name = "retain",
      mixinStandardHelpOptions = true,
      description =
          "Apply a retention policy (then run gc to free space): through the controller's API"
              + " (admin), or offline with --data DIR.")
  static final class Retain extends Maint {
    @Option(names = "--repos", defaultValue = "**", description = "Repository glob (default **).")
    String repos;

    @Option(names = "--keep-last", defaultValue = "10", description = "Tags to keep by push time.")
    int keepLast;

    @Option(
        names = "--keep",
        split = ",",
        defaultValue = "v*,stable,candidate,latest",
        description = "Tag globs always kept.")
    List<String> keep;

    @Option(
        names = "--untagged-older-than",
        paramLabel = "DURATION",
        description = "Drop untagged manifests older than this (e.g. 7d, 12h).")
    Duration untagged;

    @Option(names = "--dry-run", description = "Only report.")
    boolean dryRun;

    @Override
    public Integer call() throws IOException {
      Output o = opts.out(out());
      JsonNode rep;
      if (offline()) {
        List<Glob> keepGlobs = new ArrayList<>();
        keep.forEach(k -> keepGlobs.add(new Glob(k)));
        try (Registry r = open()) {
          rep =
              tree(
                  r.maintenance()
                      .retention(
                          List.of(
                              new RetentionPolicy(new Glob(repos), keepLast, keepGlobs, untagged)),
                          dryRun));
        }
      } else {
        var body = ApiClient.JSON.createObjectNode();
        body.put("repositories", repos).put("keepLast", keepLast).put("dryRun", dryRun);
        keep.forEach(body.putArray("keep")::add);
        if (untagged != null) {
          body.put("untaggedOlderThanSeconds", untagged.toSeconds());
        }
        rep = api("retain", body);
      }
      if (!o.table()) {
        o.raw(rep);
        return 0;
      }
      String verb = dryRun ? "would delete " : "deleted ";
      rep.path("tagsDeleted").forEach(t -> out().println(verb + t.asText()));
      rep.path("manifestsDeleted").forEach(m -> out().println(verb + m.asText()));
      return 0;
    }
  }

  @Command(
      name = "fsck",
      mixinStandardHelpOptions = true,
      description =
          "Check storage consistency and blob digests: through the controller's API (admin), or"
              + " offline with --data DIR. Exits 1 when problems remain.")
  static final class Fsck extends Maint {
    @Option(
        names = "--repair",
        description = "Remove what is broken (dangling tags and links, corrupt blobs).")
    boolean repair;

    @Override
    public Integer call() throws IOException {
      Output o = opts.out(out());
      JsonNode f;
      if (offline()) {
        try (Registry r = open()) {
          Reports.Fsck rep = r.maintenance().fsck(repair);
          f = tree(rep);
          ((com.fasterxml.jackson.databind.node.ObjectNode) f).put("clean", rep.clean());
        }
      } else {
        f = api("fsck", java.util.Map.of("repair", repair));
      }
      int problems = f.path("problems").size();
      int repaired = f.path("repaired").asInt();
      if (o.table()) {
        f.path("problems").forEach(p -> out().println(p.asText()));
        out()
            .printf(
                "%d blobs verified, %d problems, %d repaired%n",
                f.path("blobsChecked").asInt(), problems, repaired);
      } else {
        o.raw(f);
      }
      return problems == 0 || (repair && repaired == problems) ? 0 : 1;
    }
  }
}
