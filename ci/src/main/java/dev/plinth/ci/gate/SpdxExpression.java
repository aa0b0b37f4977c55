/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.gate;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * An SPDX licence expression ({@code A OR (B AND C WITH D)}), parsed for the licence gate: AND
 * binds tighter than OR, {@code WITH} attaches an exception to the id before it.
 */
public sealed interface SpdxExpression {

  /**
   * The leaves that keep this expression from being satisfied, given which leaves are allowed:
   * empty when an OR has an allowed branch and every part of an AND is allowed.
   */
  List<String> offending(Predicate<String> allowed);

  /** A licence id (possibly {@code ID WITH EXCEPTION}). */
  record Leaf(String id) implements SpdxExpression {
    @Override
    public List<String> offending(Predicate<String> allowed) {
      return allowed.test(id) ? List.of() : List.of(id);
    }
  }

  /** All of the parts. */
  record And(List<SpdxExpression> parts) implements SpdxExpression {
    @Override
    public List<String> offending(Predicate<String> allowed) {
      List<String> out = new ArrayList<>();
      parts.forEach(p -> out.addAll(p.offending(allowed)));
      return out.stream().distinct().toList();
    }
  }

  /** One of the parts. */
  record Or(List<SpdxExpression> parts) implements SpdxExpression {
    @Override
    public List<String> offending(Predicate<String> allowed) {
      List<String> out = new ArrayList<>();
      for (SpdxExpression p : parts) {
        List<String> o = p.offending(allowed);
        if (o.isEmpty()) {
          return List.of();
        }
        out.addAll(o);
      }
      return out.stream().distinct().toList();
    }
  }

  /** Parses an expression; refuses unbalanced parentheses and dangling operators. */
  static SpdxExpression parse(String text) {
    List<String> tokens = new ArrayList<>();
    for (String t : text.replace("(", " ( ").replace(")", " ) ").strip().split("\\s+")) {
      if (!t.isEmpty()) {
        tokens.add(t);
      }
    }
    Parser p = new Parser(tokens, text);
    SpdxExpression e = p.or();
    if (p.pos != tokens.size()) {
      throw new IllegalArgumentException("bad licence expression: " + text);
    }
    return e;
  }

  /** Recursive descent over the tokens. */
  final class Parser {
    private final List<String> tokens;
    private final String text;
    private int pos;

    Parser(List<String> tokens, String text) {
      this.tokens = tokens;
      this.text = text;
    }

    SpdxExpression or() {
      List<SpdxExpression> parts = new ArrayList<>(List.of(and()));
      while (peek("OR")) {
        pos++;
        parts.add(and());
      }
      return parts.size() == 1 ? parts.get(0) : new Or(parts);
    }

    SpdxExpression and() {
      List<SpdxExpression> parts = new ArrayList<>(List.of(atom()));
      while (peek("AND")) {
        pos++;
        parts.add(atom());
      }
      return parts.size() == 1 ? parts.get(0) : new And(parts);
    }

    SpdxExpression atom() {
      if (pos >= tokens.size()) {
        throw new IllegalArgumentException("bad licence expression: " + text);
      }
      String t = tokens.get(pos++);
      if (t.equals("(")) {
        SpdxExpression e = or();
        if (!peek(")")) {
          throw new IllegalArgumentException("unbalanced parentheses in: " + text);
        }
        pos++;
        return e;
      }
      if (t.equals(")") || t.equalsIgnoreCase("AND") || t.equalsIgnoreCase("OR")) {
        throw new IllegalArgumentException("bad licence expression: " + text);
      }
      if (peek("WITH") && pos + 1 < tokens.size()) {
        pos++;
        return new Leaf(t + " WITH " + tokens.get(pos++));
      }
      return new Leaf(t);
    }

    private boolean peek(String s) {
      return pos < tokens.size() && tokens.get(pos).equalsIgnoreCase(s);
    }
  }
}
