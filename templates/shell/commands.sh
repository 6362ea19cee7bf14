# The commands of {{title}}, apart from the protocol loop so that test/run.sh can call them.
# Built-ins only: without "spawn" in its manifest, the extension cannot start wc, ls or cat.

# count_words FILE: prints the number of words (runs of non-space characters) in FILE.
count_words() {
  count_file=$1
  count_n=0
  while IFS= read -r count_line || [ -n "$count_line" ]; do
    set -f
    # shellcheck disable=SC2086 # split into words on purpose
    set -- $count_line
    set +f
    count_n=$((count_n + $#))
  done <"$count_file"
  printf '%s\n' "$count_n"
}

# {{name}}.count [FILE]: the words of FILE in the workspace, or of its .md and .txt files.
count_command() {
  # The folder the user opened, as Corral says: never a path written here.
  if ! workspace=$(corral_resolve '${workspace}' 2>&1); then
    printf '%s\n' "$workspace"
    return 1
  fi
  if [ -n "$1" ]; then
    set -- "$workspace/$1"
    if [ ! -f "$1" ]; then
      printf '%s\n' "no file ${1##*/} in the workspace"
      return 1
    fi
  else
    set -- "$workspace"/*
  fi
  count_total=0
  count_files=''
  for count_path in "$@"; do
    case $count_path in
      *.md | *.txt) [ -f "$count_path" ] || continue ;;
      *) [ "$#" -eq 1 ] && [ -f "$count_path" ] || continue ;;
    esac
    count_words_in=$(count_words "$count_path")
    count_total=$((count_total + count_words_in))
    count_name=$(corral_json_string "${count_path##*/}")
    count_files="$count_files${count_files:+,}{\"name\":$count_name,\"words\":$count_words_in}"
  done
  printf '{"total":%s,"files":[%s]}\n' "$count_total" "$count_files"
}
