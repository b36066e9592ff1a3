# One INTERFACE target carries the warning flags; every target of ours links it.
# Warnings are errors: a warning-free tree is the only way a new warning gets read.
add_library(outpost_warnings INTERFACE)
target_compile_options(outpost_warnings INTERFACE
  -Wall -Wextra            # the baseline every C++ project should hold
  -Wpedantic               # stay within standard C++20, no GNU extensions
  -Wshadow                 # a shadowed name is a bug waiting for a refactor
  -Wconversion             # silent narrowing of sizes and counts corrupts queues
  -Wsign-conversion        # idem, for signed/unsigned mixes around SQLite and curl APIs
  # C++ only:
  $<$<COMPILE_LANGUAGE:CXX>:-Wnon-virtual-dtor>    # HAL interfaces are deleted through base pointers
  $<$<COMPILE_LANGUAGE:CXX>:-Wold-style-cast>      # the casts we need are named and searchable
  $<$<COMPILE_LANGUAGE:CXX>:-Woverloaded-virtual>  # a hidden virtual in a HAL fake is a test that lies
  -Wnull-dereference
  -Wdouble-promotion       # armhf has a slow double unit
  -Wformat=2               # log formatting must never take a format from data
  -Wimplicit-fallthrough
  -Werror)
