/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.plinth.registry.api.Action;
import dev.plinth.registry.api.Digest;
import dev.plinth.registry.api.ErrorCode;
import dev.plinth.registry.api.Glob;
import dev.plinth.registry.api.Reference;
import dev.plinth.registry.api.RegistryException;
import dev.plinth.registry.api.RepositoryName;
import dev.plinth.registry.auth.Scope;
import dev.plinth.registry.auth.TokenSigner;
import dev.plinth.registry.dataplane.ByteRange;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Grammars and parsers of identifiers, ranges, globs, scopes and tokens. */
class IdentifiersTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "tools/sgdisk", "a.b_c__d--e/f0", "x/y/z"})
  void validNamesParse(String n) {
    assertEquals(n, RepositoryName.parse(n).toString());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "A", "/a", "a/", "a//b", "../a", "a/../b", "a/.", "_a", "a__-b", "a b"})
  void invalidNamesAreNameInvalid(String n) {
    assertEquals(
        ErrorCode.NAME_INVALID,
        assertThrows(RegistryException.class, () -> RepositoryName.parse(n)).code());
  }

  @Test
  void nameLengthIsLimited() {
    assertThrows(RegistryException.class, () -> RepositoryName.parse("a".repeat(256)));
  }

  @Test
  void digestsParseAndRejectWrongShapes() {
    Digest d = Digest.sha256(new byte[0]);
    assertEquals(
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", d.toString());
    assertEquals(d, Digest.parse(d.toString()));
    for (String bad :
        new String[] {
          "sha256:abc", "md5:" + "a".repeat(32), "sha256:" + "A".repeat(64), "nocolon", ":x"
        }) {
      assertEquals(
          ErrorCode.DIGEST_INVALID,
          assertThrows(RegistryException.class, () -> Digest.parse(bad)).code());
    }
    assertFalse(Digest.isDigest(null));
    assertTrue(Digest.isDigest("sha512:" + "0".repeat(128)));
  }

  @Test
  void referencesAreTagsOrDigests() {
    assertInstanceOf(Reference.Tag.class, Reference.parse("v1.0_rc-1"));
    assertInstanceOf(
        Reference.ByDigest.class, Reference.parse(Digest.sha256(new byte[0]).toString()));
    assertThrows(RegistryException.class, () -> Reference.parse(".hidden"));
    assertThrows(RegistryException.class, () -> Reference.parse("x".repeat(129)));
  }

  @Test
  void rangesParseAsRfc9110Says() {
    assertEquals(
        new ByteRange.Ranges(List.of(new ByteRange(0, 9))), ByteRange.parse("bytes=0-", 10));
    assertEquals(
        new ByteRange.Ranges(List.of(new ByteRange(5, 9))), ByteRange.parse("bytes=5-100", 10));
    assertEquals(
        new ByteRange.Ranges(List.of(new ByteRange(7, 9))), ByteRange.parse("bytes=-3", 10));
    assertEquals(
        new ByteRange.Ranges(List.of(new ByteRange(0, 9))), ByteRange.parse("bytes=-30", 10));
    assertInstanceOf(ByteRange.Unsatisfiable.class, ByteRange.parse("bytes=10-", 10));
    assertInstanceOf(ByteRange.Unsatisfiable.class, ByteRange.parse("bytes=-0", 10));
    assertInstanceOf(ByteRange.Whole.class, ByteRange.parse(null, 10));
    assertInstanceOf(ByteRange.Whole.class, ByteRange.parse("items=0-1", 10));
    assertInstanceOf(ByteRange.Whole.class, ByteRange.parse("bytes=5-2", 10));
    assertInstanceOf(ByteRange.Whole.class, ByteRange.parse("bytes=x-2", 10));
    assertInstanceOf(ByteRange.Whole.class, ByteRange.parse("bytes=" + "0-0,".repeat(100), 10));
    assertEquals(
        2, ((ByteRange.Ranges) ByteRange.parse("bytes=0-0, 20-30, 5-6", 10)).ranges().size());
  }

  @Test
  void globsMatchWithinAndAcrossComponents() {
    assertTrue(new Glob("public/*").matches("public/a"));
    assertFalse(new Glob("public/*").matches("public/a/b"));
    assertTrue(new Glob("public/**").matches("public/a/b"));
    assertTrue(new Glob("v*").matches("v1.2"));
    assertTrue(new Glob("v?").matches("v1"));
    assertFalse(new Glob("a.b").matches("axb"));
  }

  @Test
  void scopesParseAndPrint() {
    Scope s = Scope.parse("repository:tools/x:pull,push,bogus");
    assertEquals(EnumSet.of(Action.PULL, Action.PUSH), s.actions());
    assertEquals("repository:tools/x:pull,push", s.toString());
    assertEquals(EnumSet.allOf(Action.class), Scope.parse("repository:a:*").actions());
    assertEquals("registry:catalog:*", Scope.parse("registry:catalog:*").toString());
    assertThrows(IllegalArgumentException.class, () -> Scope.parse("nonsense"));
  }

  @Test
  void tokensVerifyOnlyWhenSignedByUsAndUnexpired() {
    TokenSigner s = new TokenSigner(new byte[32], "plinth", Duration.ofMinutes(5));
    Instant now = Instant.now();
    String t = s.issue("alice", List.of(Scope.parse("repository:a:pull")), now);
    TokenSigner.Verified v = s.verify(t, now).orElseThrow();
    assertEquals("alice", v.subject());
    assertTrue(v.grants("repository", "a", Action.PULL));
    assertFalse(v.grants("repository", "a", Action.PUSH));
    assertFalse(v.grants("repository", "b", Action.PULL));
    assertTrue(s.verify(t, now.plus(Duration.ofMinutes(6))).isEmpty());
    assertTrue(
        new TokenSigner(new byte[] {1}, "plinth", Duration.ofMinutes(5)).verify(t, now).isEmpty());
    assertTrue(
        new TokenSigner(new byte[32], "other", Duration.ofMinutes(5)).verify(t, now).isEmpty());
    assertTrue(s.verify("a.b.c", now).isEmpty());
    assertTrue(s.verify(t.substring(0, t.length() - 3) + "AAA", now).isEmpty());
  }
}
