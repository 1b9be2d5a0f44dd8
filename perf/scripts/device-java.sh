# Sourced by the device-*.sh scripts: a JDK 17 on a lent machine that has none. Uses JAVA_HOME or `java` on the PATH
# when there is one, else unpacks the jlink image the repository may carry as .devjre/devjre.tar.xz (ignored in git)
# into /tmp. Run from the repository root.
if [[ -z "${JAVA_HOME:-}" ]] && ! command -v java >/dev/null && [[ -f .devjre/devjre.tar.xz ]]; then
    tar -C /tmp -xJf .devjre/devjre.tar.xz || exit 1
    export JAVA_HOME=/tmp/devjre
fi
[[ -n "${JAVA_HOME:-}" ]] && export PATH="$JAVA_HOME/bin:$PATH"
