# Third-party libraries.
#
# Device side (linked into outpostd): Mbed TLS, libcurl on Mbed TLS and SQLite, all built
# statically by tools/bootstrap from Debian source packages into a prefix per target triple:
#   build/deps/<triple>/{include,lib}
# Header-only helpers (nlohmann/json, toml++, CLI11) and the host-only test and simulator
# libraries (GoogleTest, cpp-httplib, OpenSSL) come from Debian packages.

find_package(Threads REQUIRED)

# The fuzz build (OUTPOST_FUZZ, tests/fuzz) links none of the C libraries: its compiler's
# triple has no prefix, and the targets it builds need none.
if(NOT OUTPOST_FUZZ)
  execute_process(COMMAND ${CMAKE_CXX_COMPILER} -dumpmachine
                  OUTPUT_VARIABLE OUTPOST_TARGET_TRIPLE OUTPUT_STRIP_TRAILING_WHITESPACE)
  set(OUTPOST_DEPS_PREFIX "${CMAKE_CURRENT_SOURCE_DIR}/build/deps/${OUTPOST_TARGET_TRIPLE}"
      CACHE PATH "Prefix holding the bootstrapped Mbed TLS, libcurl and SQLite")

  foreach(lib mbedtls mbedx509 mbedcrypto curl sqlite3)
    if(NOT EXISTS "${OUTPOST_DEPS_PREFIX}/lib/lib${lib}.a")
      message(FATAL_ERROR
        "lib${lib}.a not found in ${OUTPOST_DEPS_PREFIX}/lib.\n"
        "Run: tools/bootstrap --target ${OUTPOST_TARGET_TRIPLE}")
    endif()
  endforeach()

  function(outpost_import_static name file)
    add_library(${name} STATIC IMPORTED GLOBAL)
    set_target_properties(${name} PROPERTIES
      IMPORTED_LOCATION "${OUTPOST_DEPS_PREFIX}/lib/${file}"
      INTERFACE_INCLUDE_DIRECTORIES "${OUTPOST_DEPS_PREFIX}/include")
  endfunction()

  outpost_import_static(outpost_dep_mbedcrypto libmbedcrypto.a)
  outpost_import_static(outpost_dep_mbedx509 libmbedx509.a)
  outpost_import_static(outpost_dep_mbedtls libmbedtls.a)
  # Mbed TLS is built with MBEDTLS_THREADING_PTHREAD (tools/bootstrap says why).
  set_property(TARGET outpost_dep_mbedcrypto PROPERTY INTERFACE_LINK_LIBRARIES Threads::Threads)
  set_property(TARGET outpost_dep_mbedx509 PROPERTY INTERFACE_LINK_LIBRARIES outpost_dep_mbedcrypto)
  set_property(TARGET outpost_dep_mbedtls PROPERTY INTERFACE_LINK_LIBRARIES outpost_dep_mbedx509)

  outpost_import_static(outpost_dep_curl libcurl.a)
  set_target_properties(outpost_dep_curl PROPERTIES
    INTERFACE_COMPILE_DEFINITIONS CURL_STATICLIB
    INTERFACE_LINK_LIBRARIES "outpost_dep_mbedtls;Threads::Threads")

  outpost_import_static(outpost_dep_sqlite libsqlite3.a)
  set_property(TARGET outpost_dep_sqlite PROPERTY INTERFACE_LINK_LIBRARIES "Threads::Threads;${CMAKE_DL_LIBS};m")

  add_library(Outpost::mbedtls ALIAS outpost_dep_mbedtls)
  add_library(Outpost::curl ALIAS outpost_dep_curl)
  add_library(Outpost::sqlite ALIAS outpost_dep_sqlite)
endif()

if(NOT CMAKE_CROSSCOMPILING)
  find_package(nlohmann_json 3.10 REQUIRED)
  find_package(CLI11 REQUIRED)
else()
  # Cross builds search only the target's root (toolchains/*.cmake), where Debian's header-only
  # packages are not installed, and the host's /usr/include must never be on a target compile
  # line (its glibc headers would silently replace the target's). These three libraries are
  # architecture-independent headers, so their own folders (and nothing else) are copied from
  # the host packages into the build tree and used from there.
  set(OUTPOST_CROSS_HEADERS "${CMAKE_BINARY_DIR}/cross-headers/include")
  foreach(dir nlohmann toml++ CLI)
    if(NOT EXISTS "/usr/include/${dir}")
      message(FATAL_ERROR "/usr/include/${dir} is missing: run tools/bootstrap (it installs "
                          "nlohmann-json3-dev, libtomlplusplus-dev and libcli11-dev)")
    endif()
    file(COPY "/usr/include/${dir}" DESTINATION "${OUTPOST_CROSS_HEADERS}")
  endforeach()
  add_library(nlohmann_json INTERFACE)
  target_include_directories(nlohmann_json SYSTEM INTERFACE "${OUTPOST_CROSS_HEADERS}")
  add_library(nlohmann_json::nlohmann_json ALIAS nlohmann_json)
  add_library(outpost_dep_cli11 INTERFACE)
  target_include_directories(outpost_dep_cli11 SYSTEM INTERFACE "${OUTPOST_CROSS_HEADERS}")
  add_library(CLI11::CLI11 ALIAS outpost_dep_cli11)
endif()
# toml++ is used header-only (Debian also ships it as a shared library, which a static,
# cross-compiled agent cannot use) and without exceptions, so parse errors are values.
add_library(outpost_dep_toml INTERFACE)
target_compile_definitions(outpost_dep_toml INTERFACE TOML_HEADER_ONLY=1 TOML_EXCEPTIONS=0)
if(CMAKE_CROSSCOMPILING)
  target_include_directories(outpost_dep_toml SYSTEM INTERFACE "${OUTPOST_CROSS_HEADERS}")
endif()
add_library(Outpost::toml ALIAS outpost_dep_toml)
if(OUTPOST_BUILD_TESTS)
  if(NOT CMAKE_CROSSCOMPILING)
    find_package(GTest REQUIRED)
  else()
    # GoogleTest for the target, compiled with the cross compiler from Debian's source package
    # (googletest, /usr/src/googletest). SYSTEM: its headers are not held to our warning flags.
    if(NOT EXISTS /usr/src/googletest/CMakeLists.txt)
      message(FATAL_ERROR "/usr/src/googletest is missing: apt-get install googletest")
    endif()
    set(INSTALL_GTEST OFF CACHE BOOL "" FORCE)
    set(BUILD_GMOCK OFF CACHE BOOL "" FORCE)
    add_subdirectory(/usr/src/googletest ${CMAKE_BINARY_DIR}/googletest EXCLUDE_FROM_ALL SYSTEM)
  endif()
endif()
