#!/usr/bin/env bash
# The fresh-machine check: does a new Debian 12 get from clone to a configured build with
# nothing but the README's command? A development machine accumulates packages, so a
# package missing from dev.sh's list goes unseen there; this script proves the list in a
# root that has only what `debootstrap --variant=minbase` gives, plus git.
#
#   packaging/fresh-debian.sh            copy the checkout in, run `./packaging/dev.sh configure`
#   packaging/fresh-debian.sh deb FILE   install the .deb with apt, start `funcdesk serve`, deploy
#                                        an installed example and invoke it
#
# Needs root (debootstrap, chroot, mount). The minimal root is made once and kept as a
# tarball in $FUNCDESK_FRESH_CACHE (default /var/cache/funcdesk-fresh), with the .deb files
# apt downloads, so a repeated run unpacks a pristine root and installs from local files.
# Every run starts from the pristine root: nothing a previous run installed carries over.
set -euo pipefail

src="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${FUNCDESK_FRESH_CACHE:-/var/cache/funcdesk-fresh}"
mirror="${FUNCDESK_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
suite=bookworm
base="$cache/$suite-minbase-git.tar"
mode="${1:-configure}"
deb=""
if [ "$mode" = deb ]; then
  deb="$(realpath "${2:?usage: fresh-debian.sh deb FILE.deb}")"
fi

if [ "$(id -u)" -ne 0 ]; then
  exec sudo --preserve-env=FUNCDESK_FRESH_CACHE,FUNCDESK_DEBIAN_MIRROR "$0" "$@"
fi

log() { echo "fresh-debian: $*"; }

if ! command -v debootstrap >/dev/null; then
  log "installing debootstrap"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
fi

mkdir -p "$cache/apt-archives/partial"
if [ ! -f "$base" ]; then
  log "creating a minimal Debian 12 root (once; kept in $base)"
  tmp="$(mktemp -d "$cache/bootstrap.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  debootstrap --variant=minbase --include=git "$suite" "$tmp" "$mirror" >"$cache/debootstrap.log" 2>&1 || {
    tail -20 "$cache/debootstrap.log" >&2
    exit 1
  }
  tar -C "$tmp" -cf "$base.part" .
  mv "$base.part" "$base"
  rm -rf "$tmp"
  trap - EXIT
fi

work="$(mktemp -d "$cache/run.XXXXXX")"
cleanup() {
  for m in var/cache/apt/archives dev proc; do
    mountpoint -q "$work/$m" && umount -l "$work/$m"
  done
  # Never follow a mount that is somehow still there (the host's /dev, its apt cache).
  for m in var/cache/apt/archives dev proc; do
    if mountpoint -q "$work/$m"; then
      echo "fresh-debian: $work/$m is still mounted; leaving $work in place" >&2
      return
    fi
  done
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

tar -C "$work" -xf "$base"
cp /etc/resolv.conf "$work/etc/resolv.conf"
mount -t proc proc "$work/proc"
mount --bind /dev "$work/dev" # /dev/null, /dev/urandom for the runtimes
mount --bind "$cache/apt-archives" "$work/var/cache/apt/archives"

if [ "$mode" = deb ]; then
  cp "$deb" "$work/tmp/funcdesk.deb"
  log "installing $(basename "$deb") with apt in the fresh root, then serve, deploy and invoke"
  start=$(date +%s)
  if chroot "$work" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
       HOME=/root LANG=C.UTF-8 bash -euc '
         apt-get update -qq
         DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends /tmp/funcdesk.deb >/dev/null
         funcdesk --version
         data=$(mktemp -d)
         funcdesk deploy /usr/share/funcdesk/examples/python3-hello --data-dir "$data"
         funcdesk serve --data-dir "$data" --port 0 --json > /tmp/serve.out 2> /tmp/serve.err &
         pid=$!
         for i in $(seq 100); do grep -q endpoint /tmp/serve.out && break; sleep 0.1; done
         cat /tmp/serve.out
         funcdesk invoke python3-hello --payload "{\"name\": \"deb\"}" --data-dir "$data"
         kill $pid; wait $pid || true' >"$cache/last-deb.log" 2>&1; then
    cat "$cache/last-deb.log"
    log "the package installed, served and answered an invoke in $(( $(date +%s) - start )) s"
    exit 0
  fi
  tail -40 "$cache/last-deb.log" >&2
  log "FAILED: the package does not install and run on a fresh Debian 12 root"
  exit 1
fi

# The checkout as a clone would have it: tracked files only, as they are in the work tree.
mkdir -p "$work/src"
git -C "$src" ls-files -z | tar -C "$src" --null -T - --ignore-failed-read -cf - | tar -C "$work/src" -xf -

log "running ./packaging/dev.sh configure in the fresh root"
start=$(date +%s)
if chroot "$work" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
     HOME=/root LANG=C.UTF-8 bash -c 'cd /src && ./packaging/dev.sh configure' >"$cache/last-run.log" 2>&1; then
  log "configure passed on a fresh Debian 12 root in $(( $(date +%s) - start )) s (log: $cache/last-run.log)"
else
  tail -40 "$cache/last-run.log" >&2
  log "FAILED: the README's install and configure steps do not work on a fresh Debian 12 root"
  exit 1
fi
