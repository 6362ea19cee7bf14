#!/bin/sh
# Tests of commands.sh and corral.sh, outside the sandbox: sh test/run.sh (exit 0 when all pass).
case $0 in
  */*) here=${0%/*} ;;
  *) here=. ;;
esac
. "$here/../corral.sh"
. "$here/../commands.sh"
failed=0

check() {
  if [ "$2" = "$3" ]; then
    printf 'ok - %s\n' "$1"
  else
    printf 'not ok - %s\n  got:      %s\n  expected: %s\n' "$1" "$2" "$3"
    failed=1
  fi
}

check 'count_words counts runs of non-space characters' "$(count_words "$here/fixtures/a.md")" 2

CORRAL_WORKSPACE=$here/fixtures
check 'without a file: every .md and .txt at the top of the workspace' "$(count_command '')" \
  '{"total":3,"files":[{"name":"a.md","words":2},{"name":"b.txt","words":1}]}'
check 'one file' "$(count_command b.txt)" '{"total":1,"files":[{"name":"b.txt","words":1}]}'
check 'a file that is not there' "$(count_command nope.md)" 'no file nope.md in the workspace'
check 'strings are escaped for JSON' "$(corral_json_string 'a "b" \c')" '"a \"b\" \\c"'
CORRAL_WORKSPACE=''
check 'no workspace open' "$(count_command '' 2>&1)" \
  '${workspace}: Corral did not say where that is (no folder is open, or the manifest grants nothing there)'

# The protocol loop: messages in on descriptor 5, answers out on standard output.
CORRAL_WORKSPACE=$here/fixtures
corral_command '{{name}}.count' count_command
answers=$(
  corral_serve 5 1 5<<'MESSAGES'
{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":1,"extension":{"id":"x.y","version":"0.1.0"},"workspace":null}}
{"jsonrpc":"2.0","id":2,"method":"command/execute","params":{"command":"{{name}}.count","args":["a.md"]}}
{"jsonrpc":"2.0","id":3,"method":"command/execute","params":{"command":"nope","args":[]}}
{"jsonrpc":"2.0","method":"ipc/message","params":{"channel":"a.b","message":1}}
{"jsonrpc":"2.0","id":4,"method":"shutdown","params":{}}
MESSAGES
)
check 'the loop answers initialize, a command, an unknown command and shutdown' "$answers" \
  '{"jsonrpc":"2.0","id":1,"result":{}}
{"jsonrpc":"2.0","id":2,"result":{"total":2,"files":[{"name":"a.md","words":2}]}}
{"jsonrpc":"2.0","id":3,"error":{"code":-32002,"message":"no function for command nope; register it with corral_command"}}
{"jsonrpc":"2.0","id":4,"result":{}}'

exit $failed
