# SPDX-License-Identifier: AGPL-3.0-or-later
# Sourced by ./mvnw, ./plinth and .ci/run: exports JAVA_HOME pointing at a JDK 21+.
# Order: $JAVA_HOME if it is 21+, else the newest JDK under /usr/lib/jvm.

plinth_java_feature() { # prints the feature version (17, 21, 25...) of the JDK at $1, or nothing
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  # The JDK's release file says it without starting a JVM (0.1 s of every ./plinth start), read
  # with the shell's own read and expansions: no sed or head process per JDK at every start.
  local v line
  v=
  if [ -r "$1/release" ]; then
    while IFS= read -r line || [ -n "$line" ]; do
      case $line in
        JAVA_VERSION=\"*)
          v=${line#JAVA_VERSION=\"}
          case $v in
            *[.\"]*) v=${v%%[.\"]*} ;;
            *) v= ;;
          esac
          break
          ;;
      esac
    done <"$1/release"
  fi
  case $v in
    "" | *[!0-9]*) v= ;;
  esac
  if [ -n "$v" ] && [ "$v" -gt 1 ]; then
    echo "$v"
    return 0
  fi
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n1
}

plinth_find_jdk() {
  if [ -n "${JAVA_HOME:-}" ]; then
    v=$(plinth_java_feature "$JAVA_HOME")
    if [ -n "$v" ] && [ "$v" -ge 21 ]; then return 0; fi
  fi
  best="" bestv=0
  for d in /usr/lib/jvm/*; do
    [ -L "$d" ] && continue
    v=$(plinth_java_feature "$d")
    if [ -n "$v" ] && [ "$v" -ge 21 ] && [ "$v" -gt "$bestv" ]; then best=$d bestv=$v; fi
  done
  if [ -z "$best" ]; then
    echo "plinth: no JDK 21 or newer found (JAVA_HOME=${JAVA_HOME:-unset}, none under /usr/lib/jvm)." >&2
    echo "plinth: install one, e.g. Temurin 25 (https://adoptium.net) or openjdk-21-jdk, or set JAVA_HOME to it." >&2
    return 1
  fi
  export JAVA_HOME="$best"
}

# The JVM decodes file names with the locale's charset (sun.jnu.encoding, fixed at start-up):
# under C/POSIX, non-ASCII names are mangled. Use C.UTF-8 unless the locale already is UTF-8.
plinth_utf8_locale() {
  # The usual cases without running locale(1): C.UTF-8 is built into glibc, C/POSIX/unset is not
  # UTF-8. Any other name may be a locale that is not installed: locale(1) tells.
  case "${LC_ALL:-${LC_CTYPE:-${LANG:-}}}" in
    C.UTF-8 | C.utf8) return 0 ;;
    "" | C | POSIX)
      export LC_ALL=C.UTF-8
      return 0
      ;;
  esac
  case "$(LC_ALL=${LC_ALL:-} locale charmap 2>/dev/null)" in
    UTF-8 | utf8) ;;
    *) export LC_ALL=C.UTF-8 ;;
  esac
}
