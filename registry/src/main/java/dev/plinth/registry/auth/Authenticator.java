/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.auth;

import dev.plinth.registry.api.Action;
import dev.plinth.registry.api.Authorizer;
import dev.plinth.registry.api.CredentialChecker;
import dev.plinth.registry.api.ErrorCode;
import dev.plinth.registry.api.Glob;
import dev.plinth.registry.api.RegistryException;
import dev.plinth.registry.api.RepositoryName;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Turns an {@code Authorization} header into a {@link Principal} and decides each request: Basic
 * (any user name, the API token as password, checked by the controller's {@link
 * CredentialChecker}), bearer tokens from {@link TokenSigner}, and anonymous pull for repositories
 * matching the configured globs.
 */
public final class Authenticator {

  private final CredentialChecker checker;
  private final Authorizer authorizer;
  private final List<Glob> anonymousPull;
  private final TokenSigner signer;

  public Authenticator(
      CredentialChecker checker,
      Authorizer authorizer,
      List<Glob> anonymousPull,
      TokenSigner signer) {
    this.checker = checker;
    this.authorizer = authorizer;
    this.anonymousPull = List.copyOf(anonymousPull);
    this.signer = signer;
  }

  public TokenSigner signer() {
    return signer;
  }

  /** Reads the header; wrong credentials are a 401 at once. */
  public Principal identify(Optional<String> authorization) {
    if (authorization.isEmpty()) {
      return Principal.ANONYMOUS;
    }
    String h = authorization.get().strip();
    int sp = h.indexOf(' ');
    String kind = sp < 0 ? h : h.substring(0, sp);
    String value = sp < 0 ? "" : h.substring(sp + 1).strip();
    if (kind.equalsIgnoreCase("Basic")) {
      return basic(value).orElseThrow(() -> new AuthException(null, false));
    }
    if (kind.equalsIgnoreCase("Bearer")) {
      TokenSigner.Verified v =
          signer.verify(value, Instant.now()).orElseThrow(() -> new AuthException(null, false));
      return new Principal(v.subject(), v);
    }
    throw new AuthException(null, false);
  }

  /** The subject for Basic credentials {@code base64(user:secret)}, or empty. */
  public Optional<Principal> basic(String b64) {
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return Optional.empty();
    }
    return checker
        .authenticate(decoded.substring(0, colon), decoded.substring(colon + 1))
        .map(s -> new Principal(s, null));
  }

  /** Throws 401/403 unless {@code p} may do {@code action} on {@code repo}. */
  public void require(Principal p, RepositoryName repo, Action action) {
    if (allows(p, repo, action)) {
      return;
    }
    if (p.anonymous() || p.token() != null) {
      Set<Action> wanted = EnumSet.of(action);
      if (action == Action.PUSH) {
        wanted.add(Action.PULL);
      }
      throw new AuthException(
          new Scope("repository", repo.value(), wanted).toString(), p.token() != null);
    }
    throw new RegistryException(ErrorCode.DENIED);
  }

  /** True when {@code p} may do {@code action} on {@code repo}. */
  public boolean allows(Principal p, RepositoryName repo, Action action) {
    if (action == Action.PULL && Glob.any(anonymousPull, repo.value())) {
      return true;
    }
    if (p.token() != null) {
      return p.token().grants("repository", repo.value(), action)
          && (p.subject() == null
              ? action == Action.PULL
              : authorizer.allows(p.subject(), repo, action));
    }
    return p.subject() != null && authorizer.allows(p.subject(), repo, action);
  }

  /**
   * Whether the subject behind {@code p} may do {@code action} on {@code repo}, whatever scopes its
   * bearer token carries: used for the source of a cross-repository mount, which clients do not ask
   * a token for.
   */
  public boolean subjectAllows(Principal p, RepositoryName repo, Action action) {
    if (action == Action.PULL && Glob.any(anonymousPull, repo.value())) {
      return true;
    }
    return p.subject() != null && authorizer.allows(p.subject(), repo, action);
  }

  /**
   * The catalog as {@code p} may see it: throws unless {@code p} may list it at all ({@link
   * #requireCatalog}; {@code all} is read only then), then keeps the repositories the subject
   * behind {@code p} may pull.
   *
   * <p>A bearer token's {@code registry:catalog:*} scope is what authorises the listing (the Docker
   * token spec); its repository scopes do not narrow it, since a client asks a catalog token for
   * that one scope only. Which names it sees is the {@link Authorizer}'s answer for the subject,
   * the same answer Basic credentials get.
   */
  public List<RepositoryName> catalog(Principal p, Supplier<List<RepositoryName>> all) {
    requireCatalog(p);
    List<RepositoryName> out = new ArrayList<>();
    for (RepositoryName n : all.get()) {
      if (subjectAllows(p, n, Action.PULL)) {
        out.add(n);
      }
    }
    return out;
  }

  /**
   * Throws unless {@code p} may list the catalog: an authenticated subject whom the {@link
   * Authorizer} allows registry-wide pull (repository null), asked on every request whether the
   * credentials are Basic or a bearer token (which must also carry {@code registry:catalog:*}).
   */
  public void requireCatalog(Principal p) {
    boolean ok =
        p.subject() != null
            && (p.token() == null || p.token().grants("registry", "catalog", Action.PULL))
            && authorizer.allows(p.subject(), null, Action.PULL);
    if (!ok) {
      if (p.anonymous() || p.token() != null) {
        throw new AuthException("registry:catalog:*", p.token() != null);
      }
      throw new RegistryException(ErrorCode.DENIED);
    }
  }

  /** The scopes a token for {@code p} may carry, out of the {@code requested} ones. */
  public List<Scope> grant(Principal p, List<Scope> requested) {
    List<Scope> out = new ArrayList<>();
    for (Scope s : requested) {
      if (s.type().equals("registry") && s.name().equals("catalog")) {
        if (p.subject() != null && authorizer.allows(p.subject(), null, Action.PULL)) {
          out.add(s);
        }
        continue;
      }
      if (!s.type().equals("repository")) {
        continue;
      }
      RepositoryName repo;
      try {
        repo = RepositoryName.parse(s.name());
      } catch (RegistryException e) {
        continue;
      }
      Set<Action> granted = EnumSet.noneOf(Action.class);
      for (Action a : s.actions()) {
        if (allows(p, repo, a)) {
          granted.add(a);
        }
      }
      out.add(new Scope(s.type(), s.name(), granted));
    }
    return out;
  }
}
