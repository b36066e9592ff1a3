# Size of the device binaries (docs/footprint.md: aarch64 outpostd <= 2.0 MB stripped).
if(CMAKE_BUILD_TYPE STREQUAL "MinSizeRel")
  # Every function and object in its own section, so the linker can drop what nothing calls:
  # the static Mbed TLS, libcurl and SQLite archives are built the same way (tools/bootstrap),
  # and much of their code is unused by an HTTPS-only client.
  add_compile_options(-ffunction-sections -fdata-sections)
  add_link_options(-Wl,--gc-sections -Wl,-O1 -Wl,--as-needed)
  # Link-time optimisation of our own code: the header-only libraries (CLI11, nlohmann/json,
  # toml++) instantiate the same templates in many objects, and LTO merges and drops them.
  # Measured on aarch64 outpostd: 2,050,856 -> 1,985,328 bytes stripped (docs/footprint.md).
  # The C archives from tools/bootstrap are not LTO objects and link as before.
  include(CheckIPOSupported)
  check_ipo_supported(RESULT outpost_ipo OUTPUT outpost_ipo_error LANGUAGES C CXX)
  if(outpost_ipo)
    set(CMAKE_INTERPROCEDURAL_OPTIMIZATION ON)
  else()
    message(WARNING "LTO not supported by this toolchain, outpostd will be larger: ${outpost_ipo_error}")
  endif()
endif()
