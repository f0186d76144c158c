function handler () {
  local i=0 sum=0
  while [ $i -lt 200000 ]; do sum=$((sum + i)); i=$((i + 1)); done
  echo "{\"sum\": $sum}"
}
