function handler () {
  if [ $((RANDOM % 3)) -eq 0 ]; then
    echo "flaky dependency timed out" 1>&2
    return 1
  fi
  echo '{"ok": true}'
}
