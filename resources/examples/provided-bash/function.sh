# The handler: gets the event as $1, prints the response on stdout (logs go to stderr).
handler () {
  EVENT_DATA=$1
  echo "received: $EVENT_DATA" 1>&2
  if [ "$EVENT_DATA" = '{"fail":true}' ]; then
    return 1
  fi
  echo "{\"echo\":$EVENT_DATA,\"runtime\":\"provided-bash\"}"
}
