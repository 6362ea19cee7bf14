#!/bin/sh
# {{title}}: the program Corral starts (manifest "main", runtime exec): the protocol loop of
# corral.sh and the commands of commands.sh.
case $0 in
  */*) here=${0%/*} ;;
  *) here=. ;;
esac
. "$here/corral.sh"
. "$here/commands.sh"

corral_command '{{name}}.count' count_command
corral_serve
