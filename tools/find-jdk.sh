# Sourced by ./mpq and ./build: finds a JDK 25 or newer, so that neither needs JAVA_HOME set.
# Looks at $MPQ_JAVA_HOME, $JAVA_HOME, the JDKs under /usr/lib/jvm, then the java on the PATH; the first of
# version 25 or newer wins. Prints its home, or one line naming what to install and returns 2.

mpq_java_major() { "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1; }

mpq_find_jdk() {
  local c onpath
  onpath="$(command -v java 2>/dev/null || true)"
  [ -n "$onpath" ] && onpath="$(dirname "$(dirname "$(readlink -f "$onpath")")")"
  for c in "${MPQ_JAVA_HOME:-}" "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25* /usr/lib/jvm/* \
           "$onpath"; do
    if [ -n "$c" ] && [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] && [ "$(mpq_java_major "$c")" -ge 25 ] 2>/dev/null; then
      echo "$c"
      return 0
    fi
  done
  echo "$1: error: no JDK 25 or newer found (looked at MPQ_JAVA_HOME, JAVA_HOME, /usr/lib/jvm and the java on the PATH); install JDK 25, e.g. Eclipse Temurin 25 from https://adoptium.net, or set MPQ_JAVA_HOME to one" >&2
  return 2
}
