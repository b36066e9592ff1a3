# Size of the device binaries (docs/footprint.md: aarch64 outpostd <= 2.0 MB stripped).
# Every function and object in its own section, so the linker can drop what nothing calls:
# the static Mbed TLS, libcurl and SQLite archives are built the same way (tools/bootstrap),
# and most of their code is unused by an HTTPS-only client.
if(CMAKE_BUILD_TYPE STREQUAL "MinSizeRel")
  add_compile_options(-ffunction-sections -fdata-sections)
  add_link_options(-Wl,--gc-sections -Wl,-O1 -Wl,--as-needed)
endif()
