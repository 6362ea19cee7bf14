{
  "targets": [
    {
      "target_name": "fd_passing",
      "sources": ["src/fd_passing.c"],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-Werror", "-Wshadow", "-Wformat=2"]
    }
  ]
}
