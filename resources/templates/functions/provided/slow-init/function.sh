# Sourced once per environment, before the first request: the cold start pays it.
sleep 1
function handler () {
  echo '{"warm": true}'
}
