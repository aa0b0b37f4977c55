/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry.auth;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.plinth.registry.api.Action;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Issues and checks registry bearer tokens: JWTs signed with HMAC-SHA256 by a key only this
 * controller holds. They carry the granted scopes ({@code access}) and expire quickly.
 */
public final class TokenSigner {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();
  private static final String HEADER =
      B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.US_ASCII));

  private final byte[] key;
  private final String service;
  private final Duration ttl;

  /** A grant in a token. */
  public record Access(
      @JsonProperty("type") String type,
      @JsonProperty("name") String name,
      @JsonProperty("actions") List<String> actions) {}

  record Claims(
      @JsonProperty("iss") String iss,
      @JsonProperty("sub") String sub,
      @JsonProperty("aud") String aud,
      @JsonProperty("exp") long exp,
      @JsonProperty("iat") long iat,
      @JsonProperty("access") List<Access> access) {}

  /** What a valid token says. */
  public record Verified(String subject, List<Scope> scopes) {

    /** True when the token grants {@code action} on repository {@code name}. */
    public boolean grants(String type, String name, Action action) {
      for (Scope s : scopes) {
        if (s.type().equals(type)
            && s.name().equals(name)
            && (s.actions().contains(action) || type.equals("registry"))) {
          return true;
        }
      }
      return false;
    }
  }

  public TokenSigner(byte[] key, String service, Duration ttl) {
    this.key = key.clone();
    this.service = service;
    this.ttl = ttl;
  }

  public Duration ttl() {
    return ttl;
  }

  /** A signed token for {@code subject} (null: anonymous) with {@code scopes}. */
  public String issue(String subject, List<Scope> scopes, Instant now) {
    List<Access> access = new ArrayList<>();
    for (Scope s : scopes) {
      List<String> actions = new ArrayList<>();
      if (s.type().equals("registry")) {
        actions.add("*");
      } else {
        s.actions().forEach(a -> actions.add(a.scopeName()));
      }
      access.add(new Access(s.type(), s.name(), actions));
    }
    Claims c =
        new Claims(
            "plinth",
            subject == null ? "" : subject,
            service,
            now.plus(ttl).getEpochSecond(),
            now.getEpochSecond(),
            access);
    try {
      String payload = B64.encodeToString(MAPPER.writeValueAsBytes(c));
      String signed = HEADER + "." + payload;
      return signed + "." + B64.encodeToString(mac(signed));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The token's claims when its signature is ours and it has not expired. */
  public Optional<Verified> verify(String token, Instant now) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3 || !parts[0].equals(HEADER)) {
      return Optional.empty();
    }
    try {
      byte[] sig = B64D.decode(parts[2]);
      if (!MessageDigest.isEqual(sig, mac(parts[0] + "." + parts[1]))) {
        return Optional.empty();
      }
      Claims c = MAPPER.readValue(B64D.decode(parts[1]), Claims.class);
      if (c.exp() < now.getEpochSecond() || !service.equals(c.aud())) {
        return Optional.empty();
      }
      List<Scope> scopes = new ArrayList<>();
      for (Access a : c.access() == null ? List.<Access>of() : c.access()) {
        Set<Action> actions = EnumSet.noneOf(Action.class);
        for (String s : a.actions()) {
          if (!s.equals("*")) {
            actions.add(Action.fromScope(s));
          }
        }
        scopes.add(new Scope(a.type(), a.name(), actions));
      }
      return Optional.of(new Verified(c.sub().isEmpty() ? null : c.sub(), scopes));
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private byte[] mac(String s) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(new SecretKeySpec(key, "HmacSHA256"));
      return m.doFinal(s.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
