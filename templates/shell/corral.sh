# corral.sh: the Corral extension protocol for programs in POSIX sh, with shell built-ins only
# (an extension without "spawn" in its manifest cannot start other programs: no sed, jq or cat).
# Source it, register one shell function per command, then call corral_serve.
#
# It understands what Corral's host sends: one JSON-RPC message per line, its "id" before its
# "params". A command's function gets the command's first argument when that is a plain string
# (no escapes inside), prints its JSON result on stdout and returns 0; or prints one line saying
# what went wrong and returns non-zero.
#
#   corral_command ID FUNCTION   answer command ID with FUNCTION
#   corral_serve [IN OUT]        answer the host (descriptor $CORRAL_FD) until it says shutdown
#   corral_resolve PATH          '${workspace}/a.md' -> the real path, as the SDKs' paths.resolve
#   corral_json_string TEXT      TEXT as a JSON string
#   corral_log LEVEL MESSAGE     a line for the host's log (debug, info, warn or error)

corral_fd=${CORRAL_FD:-3}
corral_commands=''

corral_command() {
  corral_commands="$corral_commands $1=$2"
}

corral_serve() {
  corral_in=${1:-$corral_fd}
  corral_out=${2:-$corral_fd}
  while IFS= read -r corral_line <&"$corral_in" || [ -n "$corral_line" ]; do
    case $corral_line in
      *'"id":'*) ;;
      *) continue ;; # a notification (ipc/message): nothing to answer
    esac
    corral_id=${corral_line#*\"id\":}
    corral_id=${corral_id%%[,\}]*}
    case $corral_line in
      *'"method":"initialize"'*) corral_reply '{}' ;;
      *'"method":"command/execute"'*) corral_execute ;;
      *'"method":"shutdown"'*)
        corral_reply '{}'
        exit 0
        ;;
      *'"method":'*) corral_error -32601 'this extension does not handle that method' ;;
      *) ;; # an answer to a call: this library makes none
    esac
  done
}

corral_execute() {
  corral_name=${corral_line#*\"command\":\"}
  corral_name=${corral_name%%\"*}
  corral_arg=''
  case $corral_line in
    *'"args":["'*)
      corral_arg=${corral_line#*\"args\":\[\"}
      corral_arg=${corral_arg%%\"*}
      ;;
  esac
  corral_fn=''
  for corral_pair in $corral_commands; do
    case $corral_pair in
      "$corral_name="*) corral_fn=${corral_pair#*=} ;;
    esac
  done
  if [ -z "$corral_fn" ]; then
    corral_error -32002 "no function for command $corral_name; register it with corral_command"
  elif corral_result=$("$corral_fn" "$corral_arg"); then
    corral_reply "$corral_result"
  else
    corral_error -32603 "$corral_name failed: $corral_result"
  fi
}

corral_reply() {
  printf '{"jsonrpc":"2.0","id":%s,"result":%s}\n' "$corral_id" "$1" >&"$corral_out"
}

corral_error() {
  printf '{"jsonrpc":"2.0","id":%s,"error":{"code":%s,"message":%s}}\n' \
    "$corral_id" "$1" "$(corral_json_string "$2")" >&"$corral_out"
}

corral_log() {
  printf '{"jsonrpc":"2.0","method":"log","params":{"level":"%s","message":%s}}\n' \
    "$1" "$(corral_json_string "$2")" >&"${corral_out:-$corral_fd}"
}

corral_json_string() {
  corral_s=$1
  corral_j=''
  while [ -n "$corral_s" ]; do
    corral_rest=${corral_s#?}
    corral_c=${corral_s%"$corral_rest"}
    corral_s=$corral_rest
    case $corral_c in
      '"') corral_j="$corral_j\\\"" ;;
      \\) corral_j="$corral_j\\\\" ;;
      [[:cntrl:]]) corral_j="$corral_j$(printf '\\u%04x' "'$corral_c")" ;;
      *) corral_j="$corral_j$corral_c" ;;
    esac
  done
  printf '"%s"' "$corral_j"
}

corral_resolve() {
  case $1 in
    '${workspace}'*) corral_base=${CORRAL_WORKSPACE:-} corral_tail=${1#'${workspace}'} ;;
    '${home}'*) corral_base=${CORRAL_HOME:-} corral_tail=${1#'${home}'} ;;
    '${documents}'*) corral_base=${CORRAL_DOCUMENTS:-} corral_tail=${1#'${documents}'} ;;
    '${downloads}'*) corral_base=${CORRAL_DOWNLOADS:-} corral_tail=${1#'${downloads}'} ;;
    '${extensionData}'*) corral_base=${CORRAL_EXTENSION_DATA:-} corral_tail=${1#'${extensionData}'} ;;
    '${tmp}'*) corral_base=${CORRAL_TMP:-} corral_tail=${1#'${tmp}'} ;;
    /*)
      printf '%s\n' "$1"
      return 0
      ;;
    *)
      printf '%s\n' "$1 is neither an absolute path nor a path variable such as \${workspace}" >&2
      return 1
      ;;
  esac
  if [ -z "$corral_base" ]; then
    printf '%s\n' "$1: Corral did not say where that is (no folder is open, or the manifest grants nothing there)" >&2
    return 1
  fi
  printf '%s%s\n' "$corral_base" "$corral_tail"
}
