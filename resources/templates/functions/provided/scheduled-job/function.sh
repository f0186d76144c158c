function handler () {
  echo "scheduled run at $(date -u +%FT%TZ)" 1>&2
  echo '{"ok": true}'
}
