/*
 * SPDX-License-Identifier: AGPL-3.0-or-later
 * Copyright The Plinth Authors
 */

package dev.plinth.ci.gate;

import java.math.BigInteger;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * A Maven version ordered like Maven's {@code ComparableVersion}: the string is split into items at
 * {@code .} and {@code -} and where digits and letters meet ({@code -} and a transition open a
 * sub-list); numbers compare numerically, known qualifiers as {@code alpha < beta < milestone < rc
 * = cr < snapshot < "" = ga = final = release < sp}, unknown qualifiers after those (by text); a
 * missing item compares like 0 / the release. So {@code 1.0 = 1.0.0 = 1-ga}, {@code 1.0-rc1 < 1.0 <
 * 1.0-sp1 < 1.0.1}, {@code 1.0a1 = 1.0-alpha-1}.
 */
public final class MavenVersion implements Comparable<MavenVersion> {

  /** Orders version strings as Maven does. */
  public static final Comparator<String> ORDER = (a, b) -> parse(a).compareTo(parse(b));

  private static final List<String> QUALIFIERS =
      List.of("alpha", "beta", "milestone", "rc", "snapshot", "", "sp");
  private static final String RELEASE_INDEX = String.valueOf(QUALIFIERS.indexOf(""));

  private final String text;
  private final ListItem items;

  private MavenVersion(String text, ListItem items) {
    this.text = text;
    this.items = items;
  }

  /** Parses a version (never fails: any string is a Maven version). */
  public static MavenVersion parse(String version) {
    String v = version.strip().toLowerCase(Locale.ROOT);
    ListItem root = new ListItem();
    ListItem list = root;
    Deque<ListItem> stack = new ArrayDeque<>();
    stack.push(list);
    boolean isDigit = false;
    int start = 0;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '.' || c == '-') {
        if (i == start) {
          list.add(IntItem.ZERO);
        } else {
          list.add(item(isDigit, v.substring(start, i)));
        }
        start = i + 1;
        if (c == '-') {
          ListItem sub = new ListItem();
          list.add(sub);
          list = sub;
          stack.push(list);
        }
      } else if (Character.isDigit(c)) {
        if (!isDigit && i > start) {
          list.add(new StringItem(v.substring(start, i), true));
          start = i;
          ListItem sub = new ListItem();
          list.add(sub);
          list = sub;
          stack.push(list);
        }
        isDigit = true;
      } else {
        if (isDigit && i > start) {
          list.add(item(true, v.substring(start, i)));
          start = i;
          ListItem sub = new ListItem();
          list.add(sub);
          list = sub;
          stack.push(list);
        }
        isDigit = false;
      }
    }
    if (v.length() > start) {
      list.add(item(isDigit, v.substring(start)));
    }
    while (!stack.isEmpty()) {
      stack.pop().normalize();
    }
    return new MavenVersion(version, root);
  }

  private static Item item(boolean isDigit, String s) {
    return isDigit ? new IntItem(new BigInteger(s)) : new StringItem(s, false);
  }

  @Override
  public int compareTo(MavenVersion o) {
    return items.compareTo(o.items);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MavenVersion m && compareTo(m) == 0;
  }

  @Override
  public int hashCode() {
    return items.toString().hashCode();
  }

  @Override
  public String toString() {
    return text;
  }

  private sealed interface Item permits IntItem, StringItem, ListItem {
    /** Compares with another item, or with "nothing" when {@code o} is null. */
    int compareTo(Item o);

    boolean isNull();
  }

  private record IntItem(BigInteger value) implements Item {
    static final IntItem ZERO = new IntItem(BigInteger.ZERO);

    @Override
    public int compareTo(Item o) {
      if (o == null) {
        return value.signum() == 0 ? 0 : 1;
      }
      return switch (o) {
        case IntItem i -> value.compareTo(i.value);
        case StringItem s -> 1;
        case ListItem l -> 1;
      };
    }

    @Override
    public boolean isNull() {
      return value.signum() == 0;
    }

    @Override
    public String toString() {
      return value.toString();
    }
  }

  private record StringItem(String value) implements Item {
    StringItem(String value, boolean followedByDigit) {
      this(canonical(value, followedByDigit));
    }

    private static String canonical(String v, boolean followedByDigit) {
      if (followedByDigit && v.length() == 1) {
        switch (v.charAt(0)) {
          case 'a' -> v = "alpha";
          case 'b' -> v = "beta";
          case 'm' -> v = "milestone";
          default -> {}
        }
      }
      return switch (v) {
        case "ga", "final", "release" -> "";
        case "cr" -> "rc";
        default -> v;
      };
    }

    private static String comparable(String q) {
      int i = QUALIFIERS.indexOf(q);
      return i == -1 ? QUALIFIERS.size() + "-" + q : String.valueOf(i);
    }

    @Override
    public int compareTo(Item o) {
      if (o == null) {
        return Integer.signum(comparable(value).compareTo(RELEASE_INDEX));
      }
      return switch (o) {
        case IntItem i -> -1;
        case StringItem s -> Integer.signum(comparable(value).compareTo(comparable(s.value)));
        case ListItem l -> -1;
      };
    }

    @Override
    public boolean isNull() {
      return value.isEmpty();
    }

    @Override
    public String toString() {
      return value;
    }
  }

  private static final class ListItem extends ArrayList<Item> implements Item {
    private static final long serialVersionUID = 1L;

    void normalize() {
      for (int i = size() - 1; i >= 0; i--) {
        Item last = get(i);
        if (last.isNull()) {
          remove(i);
        } else if (!(last instanceof ListItem)) {
          break;
        }
      }
    }

    @Override
    public boolean isNull() {
      return isEmpty();
    }

    @Override
    public int compareTo(Item o) {
      if (o == null) {
        return isEmpty() ? 0 : get(0).compareTo(null);
      }
      return switch (o) {
        case IntItem i -> -1;
        case StringItem s -> 1;
        case ListItem l -> {
          Iterator<Item> left = iterator();
          Iterator<Item> right = l.iterator();
          while (left.hasNext() || right.hasNext()) {
            Item a = left.hasNext() ? left.next() : null;
            Item b = right.hasNext() ? right.next() : null;
            int r = a == null ? (b == null ? 0 : -b.compareTo(null)) : a.compareTo(b);
            if (r != 0) {
              yield r;
            }
          }
          yield 0;
        }
      };
    }

    @Override
    public boolean equals(Object o) {
      return this == o;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(this);
    }
  }
}
