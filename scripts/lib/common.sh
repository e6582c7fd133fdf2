# shellcheck shell=bash
# Helpers shared by scripts/run, scripts/test and .ci/run.  Source it; do not execute it:
#   source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
#
# Functions return non-zero on failure (callers run under `set -euo pipefail`); anything meant for a
# human goes to stderr so that functions whose output is captured ($(free_port ...)) print clean values.
#
# Variables this file sets:   OBENTO_ROOT (repo root), VENV (its .venv), PG_BINDIR (after pg_bindir),
#                             PG_CLUSTER_STARTED (1 when pg_start_cluster started a server, else 0),
#                             OBENTO_CHILD_PID (after run_supervised).
# Variables it reads:         PG_BINDIR (override the PostgreSQL bin dir), OBENTO_APT_UPDATED (exported
#                             once apt-get update ran, so child scripts skip it too).

if [[ -n "${_OBENTO_COMMON_SH:-}" ]]; then
  return 0
fi
_OBENTO_COMMON_SH=1

OBENTO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
VENV="$OBENTO_ROOT/.venv"
PG_CLUSTER_STARTED=0

log() { printf '[obento] %s\n' "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}
is_root() { [[ "$(id -u)" -eq 0 ]]; }

# --- Debian packages ------------------------------------------------------------------------------------

# apt-get update at most once per script run (and per child script: the flag is exported).
apt_update_once() {
  if [[ "${OBENTO_APT_UPDATED:-}" == 1 ]]; then
    return 0
  fi
  _apt_quiet update || return 1
  export OBENTO_APT_UPDATED=1
}

# apt_install PKG...  (root only; noninteractive so it works in CI without a terminal)
apt_install() {
  apt_update_once || return 1
  _apt_quiet install -y "$@"
}

# Runs apt-get ARGS... noninteractively (CI has no terminal); its long output is shown only on failure.
_apt_quiet() {
  local out rc=0
  log "apt-get $*"
  out="$(DEBIAN_FRONTEND=noninteractive apt-get -q "$@" </dev/null 2>&1)" || rc=$?
  if ((rc != 0)); then
    printf '%s\n' "$out" >&2
    log "ERROR: apt-get $* failed (exit status $rc)"
  fi
  return "$rc"
}

# --- Python virtual environment -------------------------------------------------------------------------

# Creates $VENV when missing or broken and installs the project with its dev extras.  The install is
# skipped when .venv/.installed-<sha256 of pyproject.toml> exists, so a changed pyproject reinstalls.
ensure_venv() {
  command -v python3 >/dev/null 2>&1 ||
    die "python3 not found; install it: apt-get install -y python3 python3-venv"
  python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
    die "Python 3.11 or newer is needed, python3 is $(python3 -V 2>&1)"

  # A venv counts as usable when its interpreter runs and has pip (a venv made without ensurepip has not).
  if ! "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
    log "creating virtual environment $VENV"
    rm -rf "$VENV"
    if ! python3 -m venv "$VENV" >&2; then
      # Debian ships the venv/ensurepip module separately (python3-venv); a failed run leaves a half venv.
      rm -rf "$VENV"
      if is_root; then
        apt_install python3-venv || die "could not install python3-venv"
        python3 -m venv "$VENV" >&2 || die "python3 -m venv $VENV failed"
      else
        die "python3 -m venv failed; install the venv module: sudo apt-get install -y python3-venv"
      fi
    fi
  fi

  [[ -f "$OBENTO_ROOT/pyproject.toml" ]] || die "$OBENTO_ROOT/pyproject.toml is missing"
  local sha stamp
  sha="$(sha256sum "$OBENTO_ROOT/pyproject.toml" | cut -d' ' -f1)"
  stamp="$VENV/.installed-$sha"
  if [[ -f "$stamp" ]]; then
    return 0
  fi
  # scripts/run and scripts/test started together must not run two pip installs into one venv: the
  # second waits for the first and then finds the stamp.
  local lock_fd
  exec {lock_fd}>"$VENV/.install.lock"
  flock "$lock_fd"
  if [[ ! -f "$stamp" ]]; then
    log "installing the project and its dev extras into .venv (pip install -e .[dev])"
    if ! (cd "$OBENTO_ROOT" && PIP_NO_INPUT=1 "$VENV/bin/python" -m pip install -q \
      --disable-pip-version-check -e ".[dev]"); then
      exec {lock_fd}>&-
      die "pip install -e .[dev] failed"
    fi
    rm -f "$VENV"/.installed-*
    : >"$stamp"
  fi
  exec {lock_fd}>&-
}

# --- PostgreSQL ----------------------------------------------------------------------------------------

# Prints the first directory that holds initdb, pg_ctl and postgres: $PG_BINDIR, pg_config --bindir,
# /usr/lib/postgresql/*/bin (newest major version first), then wherever initdb is on PATH.
_pg_find_bindir() {
  local candidates=() dir
  [[ -n "${PG_BINDIR:-}" ]] && candidates+=("$PG_BINDIR")
  if command -v pg_config >/dev/null 2>&1; then
    # Debian's pg_config may come from libpq-dev without the server: checked below like the rest.
    candidates+=("$(pg_config --bindir 2>/dev/null || true)")
  fi
  while IFS= read -r dir; do
    candidates+=("$dir")
  done < <(compgen -G '/usr/lib/postgresql/*/bin' | sort -rV)
  if command -v initdb >/dev/null 2>&1; then
    candidates+=("$(dirname "$(command -v initdb)")")
  fi
  for dir in "${candidates[@]}"; do
    if [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/pg_ctl" && -x "$dir/postgres" ]]; then
      printf '%s\n' "$dir"
      return 0
    fi
  done
  return 1
}

# Sets PG_BINDIR and prints it; installs the Debian postgresql package when missing and we are root.
# Call it once without $(...) first if it may have to install (a subshell forgets apt_update_once).
pg_bindir() {
  local dir
  if ! dir="$(_pg_find_bindir)"; then
    if is_root; then
      log "PostgreSQL server binaries not found; installing them"
      apt_install postgresql || die "apt-get install -y postgresql failed"
      dir="$(_pg_find_bindir)" || die "PostgreSQL installed but initdb/pg_ctl/postgres still not found"
    else
      die "PostgreSQL server binaries (initdb, pg_ctl) not found; install them: sudo apt-get install -y postgresql"
    fi
  fi
  PG_BINDIR="$dir"
  printf '%s\n' "$PG_BINDIR"
}

# Runs a server binary as the cluster's owner: PostgreSQL refuses to run as root, so as root it runs as the
# postgres system user.  `cd /` because that user may not be able to enter the caller's working directory.
_pg_run() {
  if is_root; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

# Prints the bin dir to use for DATADIR: the one matching its PG_VERSION when that is installed (a cluster
# made by an older major version cannot be started by a newer server), else PG_BINDIR.
_pg_bindir_for() {
  local datadir="$1" have want
  pg_bindir >/dev/null
  if [[ -f "$datadir/PG_VERSION" ]]; then
    have="$(<"$datadir/PG_VERSION")"
    want="$("$PG_BINDIR/postgres" --version | awk '{print $3}')"
    want="${want%%.*}"
    if [[ "$have" != "$want" ]]; then
      if [[ -x "/usr/lib/postgresql/$have/bin/pg_ctl" ]]; then
        printf '%s\n' "/usr/lib/postgresql/$have/bin"
        return 0
      fi
      log "ERROR: $datadir was made by PostgreSQL $have but the installed server is $want;"
      log "       install postgresql-$have, or remove $datadir to start over (its data is lost)"
      return 1
    fi
  fi
  printf '%s\n' "$PG_BINDIR"
}

# Makes every ancestor of DIR traversable (x) by the postgres user, which must reach its data directory.
_pg_make_traversable() {
  local dir
  dir="$(dirname "$1")"
  while [[ "$dir" != / ]]; do
    if ! runuser -u postgres -- test -x "$dir" 2>/dev/null; then
      log "letting the postgres user traverse $dir (chmod o+x)"
      chmod o+x "$dir" || return 1
    fi
    dir="$(dirname "$dir")"
  done
}

# pg_cluster_running DATADIR: true when a server runs on DATADIR.
pg_cluster_running() {
  local datadir="$1" bindir
  [[ -f "$datadir/PG_VERSION" ]] || return 1
  bindir="$(_pg_bindir_for "$datadir")" || return 1
  _pg_run "$bindir/pg_ctl" -D "$datadir" status >/dev/null 2>&1
}

# pg_cluster_port DATADIR: prints the port of the server running on DATADIR (line 4 of postmaster.pid).
pg_cluster_port() {
  sed -n 4p "$1/postmaster.pid"
}

# pg_start_cluster DATADIR PORT [SERVER OPTION...]
# Initialises DATADIR (C locale, UTF8, superuser postgres, trust auth) when it has no PG_VERSION, then starts
# a server on 127.0.0.1:PORT unless one already runs there.  Extra arguments are appended to the server's
# command line (e.g. -c fsync=off).  Sets PG_CLUSTER_STARTED=1 only when it started the server.
pg_start_cluster() {
  local datadir="$1" port="$2" bindir out sockdir opts
  shift 2
  PG_CLUSTER_STARTED=0
  pg_bindir >/dev/null

  # pg_ctl hands -o to /bin/sh; refuse paths that would need more quoting than the single quotes below.
  [[ "$datadir" != *[\'\"\\]* ]] ||
    die "data directory path must not contain quotes or backslashes: $datadir"
  mkdir -p "$datadir" || return 1 # initdb sets the 0700 mode it wants
  datadir="$(cd "$datadir" && pwd -P)" || return 1

  if is_root; then
    id -u postgres >/dev/null 2>&1 || die "the postgres system user is missing (apt-get install -y postgresql)"
    if [[ "$(stat -c %U "$datadir")" != postgres ]]; then
      chown -R postgres: "$datadir" || return 1
    fi
    _pg_make_traversable "$datadir"
  elif [[ "$(stat -c %u "$datadir")" != "$(id -u)" ]]; then
    die "$datadir belongs to $(stat -c %U "$datadir"), not to you (made by a run as root?); run as root or remove it"
  fi

  if [[ ! -f "$datadir/PG_VERSION" ]]; then
    log "creating PostgreSQL cluster in $datadir"
    # initdb is chatty: keep its output for the failure case only.
    if ! out="$(_pg_run "$PG_BINDIR/initdb" -D "$datadir" --locale=C -E UTF8 -U postgres --auth=trust 2>&1)"; then
      printf '%s\n' "$out" >&2
      log "ERROR: initdb failed for $datadir"
      return 1
    fi
  fi
  bindir="$(_pg_bindir_for "$datadir")" || return 1

  if _pg_run "$bindir/pg_ctl" -D "$datadir" status >/dev/null 2>&1; then
    log "PostgreSQL already running on $datadir (port $(pg_cluster_port "$datadir")); leaving it as it is"
    return 0
  fi

  # The Unix socket lives in the data directory (only the postgres user needs to write there; clients use
  # TCP).  Socket paths are limited to ~107 bytes: with a very deep DATADIR, go without a Unix socket.
  sockdir="$datadir"
  if ((${#sockdir} + 20 > 107)); then
    sockdir=""
  fi
  opts="-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='$sockdir'"
  if (($# > 0)); then
    opts+=" $*"
  fi

  log "starting PostgreSQL on 127.0.0.1:$port (data: $datadir, log: $datadir/server.log)"
  if ! _pg_run "$bindir/pg_ctl" -D "$datadir" -l "$datadir/server.log" -w -t 60 -o "$opts" start >/dev/null; then
    log "ERROR: PostgreSQL did not start; last lines of $datadir/server.log:"
    tail -n 30 "$datadir/server.log" >&2 2>/dev/null || true
    return 1
  fi
  # shellcheck disable=SC2034 # read by the calling scripts
  PG_CLUSTER_STARTED=1
}

# pg_stop_cluster DATADIR: fast shutdown (immediate if that fails); nothing to do when nothing runs.
pg_stop_cluster() {
  local datadir="$1" bindir
  [[ -f "$datadir/PG_VERSION" ]] || return 0
  bindir="$(_pg_bindir_for "$datadir")" || return 1
  if ! _pg_run "$bindir/pg_ctl" -D "$datadir" status >/dev/null 2>&1; then
    return 0
  fi
  log "stopping PostgreSQL ($datadir)"
  if ! _pg_run "$bindir/pg_ctl" -D "$datadir" -m fast -w -t 30 stop >/dev/null; then
    log "fast shutdown failed; trying immediate shutdown"
    _pg_run "$bindir/pg_ctl" -D "$datadir" -m immediate -w -t 30 stop >/dev/null
  fi
}

# --- Ports ---------------------------------------------------------------------------------------------

# free_port START END: prints the first port in START..END that nothing on this machine listens on (a bind
# to 127.0.0.1 succeeds; without SO_REUSEADDR, so a port still in TIME_WAIT counts as taken).
free_port() {
  python3 - "$1" "$2" <<'PY'
import socket
import sys

low, high = int(sys.argv[1]), int(sys.argv[2])
for port in range(low, high + 1):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            continue
    print(port)
    sys.exit(0)
print(f"no free TCP port in {low}..{high}", file=sys.stderr)
sys.exit(1)
PY
}

# --- Chromium (browser tests) ---------------------------------------------------------------------------

ensure_chromium() {
  if [[ -x /usr/bin/chromium ]]; then
    return 0
  fi
  if is_root; then
    apt_install chromium || {
      log "ERROR: apt-get install -y chromium failed"
      return 1
    }
    [[ -x /usr/bin/chromium ]] || {
      log "ERROR: chromium installed but /usr/bin/chromium is missing"
      return 1
    }
  else
    log "ERROR: the browser tests need Chromium at /usr/bin/chromium; install it with:"
    log "       sudo apt-get update && sudo apt-get install -y chromium"
    return 1
  fi
}

# A Japanese font for Chromium's screenshots (without one every kana and kanji is drawn as a box).
ensure_japanese_font() {
  if fc-list :lang=ja 2>/dev/null | grep -q .; then
    return 0
  fi
  if is_root; then
    apt_install fonts-ipafont-gothic || {
      log "ERROR: apt-get install -y fonts-ipafont-gothic failed"
      return 1
    }
  else
    log "ERROR: no Japanese font found; install one with: sudo apt-get install -y fonts-ipafont-gothic"
    return 1
  fi
}

# --- Child processes -----------------------------------------------------------------------------------

# run_supervised CMD [ARG...]: runs CMD, waits for it and returns its exit status.
# Why not simply run it in the foreground: bash postpones traps until a foreground child ends, so a SIGTERM
# to the script would neither reach the child nor run the EXIT trap (which stops the cluster).  So CMD runs
# in the background and the script waits for it: SIGTERM/SIGHUP are passed on to it at once.  Ctrl-C still
# reaches CMD directly from the terminal (same process group); bash makes background children ignore SIGINT,
# `env --default-signal=INT` undoes that.  stdin stays the terminal (bash would give /dev/null) so that
# debuggers such as pytest --pdb keep working.
run_supervised() {
  local rc=0
  if [[ -t 0 ]]; then
    env --default-signal=INT "$@" 0<&0 &
  else
    env --default-signal=INT "$@" </dev/null &
  fi
  OBENTO_CHILD_PID=$!
  trap 'kill -TERM "$OBENTO_CHILD_PID" 2>/dev/null || true' TERM
  trap 'kill -HUP "$OBENTO_CHILD_PID" 2>/dev/null || true' HUP
  trap ':' INT # the child got the terminal's SIGINT too; its exit ends the wait below
  # `wait` returns early (status > 128) when a trapped signal arrives: keep waiting while the child lives.
  while kill -0 "$OBENTO_CHILD_PID" 2>/dev/null; do
    wait "$OBENTO_CHILD_PID" || true
  done
  wait "$OBENTO_CHILD_PID" || rc=$? # bash remembers the status of a reaped child
  return "$rc"
}
