function handler () {
  EVENT_DATA=$1
  echo "$EVENT_DATA" 1>&2
  echo '{"message": "Hello from a bash custom runtime!"}'
}
