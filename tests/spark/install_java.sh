#!/usr/bin/env bash
# Make sure a Java 17+ runtime is on this machine for the Spark warehouse (KAM_WAREHOUSE=spark: pyspark
# starts a local JVM) and the Spark tests: use the one pyspark would start ($JAVA_HOME/bin/java, else
# `java` on PATH) when it is 17 or newer, else install Debian's openjdk-17-jre-headless
# (tests/install_debian_packages.sh), which puts /usr/bin/java on PATH, so no JAVA_HOME is needed.
#   bash tests/spark/install_java.sh            # make test: never fails, the Spark tests skip without Java
#   bash tests/spark/install_java.sh --required # make run / make bench on Spark: exit 1 without Java 17+
set -u
required=${1:-}

pyspark_java() {  # the java binary pyspark's spark-class runs
  if [ -n "${JAVA_HOME:-}" ]; then echo "$JAVA_HOME/bin/java"; else command -v java; fi
}

java_17() {  # the major version of pyspark's java is 17 or more
  local java major
  java=$(pyspark_java) || return 1
  [ -x "$java" ] || return 1
  major=$("$java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)
  [ -n "$major" ] && [ "$major" -ge 17 ]
}

if java_17; then
  echo "Java found: $(pyspark_java)"; exit 0
fi
bash "$(dirname "$0")/../install_debian_packages.sh" "Java 17 (OpenJDK headless)" \
  "the Spark tests" --no-install-recommends openjdk-17-jre-headless
java_17 && { echo "Java found: $(pyspark_java)"; exit 0; }
if [ -n "${JAVA_HOME:-}" ] && [ -x /usr/bin/java ]; then
  echo "JAVA_HOME=$JAVA_HOME is not a Java 17+: unset it or point it at Java 17 (e.g. /usr/lib/jvm/java-17-openjdk-$(dpkg --print-architecture 2>/dev/null || echo amd64))."
fi
[ "$required" = "--required" ] && { echo "No Java 17+: KAM_WAREHOUSE=spark cannot start Spark." >&2; exit 1; }
exit 0
