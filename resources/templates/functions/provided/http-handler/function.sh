function handler () {
  EVENT_DATA=$1
  echo "{\"statusCode\": 200, \"headers\": {\"content-type\": \"text/plain\"}, \"body\": \"served by bash\"}"
}
