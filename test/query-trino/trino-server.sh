#!/usr/bin/env bash
# A single-node Trino server on 127.0.0.1 with the memory connector, for running the generated
# athena and cloudtrail-lake SQL (Athena engine version 3 is Trino). Installs itself from Maven
# Central (the server-core tarball without its optional plugins, and the memory connector's plugin
# zip) into DIR, which is git-ignored (.tmp/).
#
#   test/query-trino/trino-server.sh start [DIR]   download if missing, start, wait until ready
#   test/query-trino/trino-server.sh stop [DIR]    stop the server started from DIR
#
# `start` prints the server's URL, also written to DIR/url. Trino needs Java 24 or later: set
# TRINO_JAVA_HOME, or the Temurin 25 JDK at /usr/lib/jvm/temurin-25-jdk-amd64 is used.
set -euo pipefail

# 476 is the newest version Maven Central serves here (483's server tarball is not).
TRINO_VERSION=476
DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.6.1
action=${1:?usage: trino-server.sh start|stop [DIR]}
dir=${2:-.tmp/trino}
java_home=${TRINO_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
server="$dir/trino-server-core-$TRINO_VERSION"

install() {
  [ -d "$server/lib" ] && [ -d "$dir/plugin/memory" ] && return
  local started=$SECONDS
  rm -rf "$dir/unpack" && mkdir -p "$dir/unpack"
  # Run from the unpack folder: without a pom, the plugin writes its markers under a folder literally
  # named '${project.basedir}' in the working directory, which would dirty the checkout.
  (cd "$dir/unpack" \
    && mvn -B -q -Dstyle.color=never "$DEPENDENCY_PLUGIN:unpack" -Dartifact="io.trino:trino-server-core:$TRINO_VERSION:tar.gz" \
      -Dmdep.unpack.excludes='*/plugin/**' -DoutputDirectory=. \
    && mvn -B -q -Dstyle.color=never "$DEPENDENCY_PLUGIN:unpack" -Dartifact="io.trino:trino-memory:$TRINO_VERSION:zip" -DoutputDirectory=.)
  rm -rf "$server" "$dir/plugin" && mkdir -p "$dir/plugin"
  mv "$dir/unpack/trino-server-core-$TRINO_VERSION" "$server"
  mv "$dir/unpack/trino-memory-$TRINO_VERSION" "$dir/plugin/memory"
  rm -rf "$dir/unpack"
  echo "trino-server: installed Trino $TRINO_VERSION in $((SECONDS - started)) s ($(du -sm "$server" "$dir/plugin" | awk "{s += \$1} END {print s}") MiB on disk)"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start() {
  if [ ! -x "$java_home/bin/java" ]; then
    echo "trino-server: no Java at $java_home; Trino $TRINO_VERSION needs Java 24 or later: set TRINO_JAVA_HOME" >&2
    exit 1
  fi
  install
  stop_server quiet
  local port
  port=$(free_port)
  mkdir -p "$dir/etc/catalog" "$dir/data"
  # The smallest configuration that works: one node that schedules on itself, bound to loopback.
  cat >"$dir/etc/config.properties" <<PROPERTIES
coordinator=true
node-scheduler.include-coordinator=true
http-server.http.port=$port
discovery.uri=http://127.0.0.1:$port
node.bind-ip=127.0.0.1
node.internal-address=127.0.0.1
query.max-memory=1GB
query.max-memory-per-node=1GB
query.max-length=100000000
PROPERTIES
  printf 'connector.name=memory\nmemory.max-data-per-node=512MB\n' >"$dir/etc/catalog/memory.properties"
  local started=$SECONDS
  (cd "$dir" && exec "$java_home/bin/java" -Xmx3G -XX:+UseParallelGC -XX:+ExitOnOutOfMemoryError \
    -Dconfig=etc/config.properties -Dcatalog.config-dir=etc/catalog -Dplugin.dir=plugin \
    -Dnode.environment=test -Dnode.id=query-trino -Dnode.data-dir=data \
    -cp "trino-server-core-$TRINO_VERSION/lib/*" io.trino.server.TrinoServer >server.log 2>&1) &
  echo $! >"$dir/pid"
  local url="http://127.0.0.1:$port"
  for _ in $(seq 1 240); do
    if ! kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
      tail -n 40 "$dir/server.log" >&2
      echo "trino-server: the server exited while starting (log: $dir/server.log)" >&2
      exit 1
    fi
    if curl -sf "$url/v1/info" 2>/dev/null | grep -q '"starting":false'; then
      echo "$url" >"$dir/url"
      echo "trino-server: Trino $TRINO_VERSION ready at $url after $((SECONDS - started)) s, $(($(ps -o rss= -p "$(cat "$dir/pid")") / 1024)) MiB resident"
      return
    fi
    sleep 0.5
  done
  echo "trino-server: not ready after 120 s (log: $dir/server.log)" >&2
  stop_server quiet
  exit 1
}

stop_server() {
  [ -f "$dir/pid" ] || return 0
  local pid
  pid=$(cat "$dir/pid")
  if kill -0 "$pid" 2>/dev/null; then
    [ "${1:-}" = quiet ] || echo "trino-server: peak resident memory $(grep VmHWM "/proc/$pid/status" | awk '{print int($2/1024)}') MiB; stopping"
    kill "$pid"
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/pid" "$dir/url"
}

case "$action" in
  start) start ;;
  stop) stop_server ;;
  *) echo "usage: trino-server.sh start|stop [DIR]" >&2; exit 2 ;;
esac
