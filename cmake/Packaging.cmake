# The .deb for one architecture (CPack DEB generator): cpack --config CPackConfig.cmake in a
# build tree (tools/outpost package PRESET). Contents:
#   /usr/bin/outpostd, /usr/bin/outpostctl         (stripped)
#   /lib/systemd/system/outpostd.service
#   /etc/outpost/outpostd.toml                     (a conffile: local edits survive upgrades)
#   /usr/share/doc/outpost/README.md, copyright
# and maintainer scripts (firmware/debian/) that create the `outpost` system user and
# /var/lib/outpost at mode 0700. tests/package/check-deb checks all of it.

install(TARGETS outpostd outpostctl RUNTIME DESTINATION bin)
install(FILES ${PROJECT_SOURCE_DIR}/firmware/systemd/outpostd.service DESTINATION /lib/systemd/system)
install(FILES ${PROJECT_SOURCE_DIR}/firmware/outpostd.toml DESTINATION /etc/outpost)
# Board files (data: HAL choices, device paths, config deltas); outpostd's boards_dir default.
foreach(board sim picking-station-aarch64 handheld-armhf)
  install(FILES ${PROJECT_SOURCE_DIR}/boards/${board}/board.toml DESTINATION share/outpost/boards/${board})
endforeach()
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/firmware/debian/copyright
        DESTINATION share/doc/outpost)

# Debian's name for the target's architecture, from the compiler's triple (cmake/Dependencies.cmake).
if(OUTPOST_TARGET_TRIPLE MATCHES "^x86_64-")
  set(OUTPOST_DEB_ARCH amd64)
elseif(OUTPOST_TARGET_TRIPLE MATCHES "^aarch64-")
  set(OUTPOST_DEB_ARCH arm64)
elseif(OUTPOST_TARGET_TRIPLE MATCHES "^arm-.*gnueabihf$")
  set(OUTPOST_DEB_ARCH armhf)
else()
  message(FATAL_ERROR "No Debian architecture known for ${OUTPOST_TARGET_TRIPLE} (cmake/Packaging.cmake)")
endif()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME outpost)
set(CPACK_PACKAGE_VENDOR "Outpost")
set(CPACK_PACKAGE_CONTACT "Outpost maintainers <outpost@localhost>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "store-and-forward agent for warehouse devices")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)           # outpost_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE ${OUTPOST_DEB_ARCH})
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "Outpost stores every operation a warehouse device produces durably in SQLite and\n delivers it upstream over mutual TLS when the network is there.")
# Mbed TLS, libcurl and SQLite are linked in statically; only the C and C++ runtimes are shared.
# Stated rather than computed: dpkg-shlibdeps needs the target architecture's dpkg database,
# which a cross build machine does not have. Bookworm's versions (the GCC 12 toolchain's).
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libc6 (>= 2.34), libstdc++6 (>= 12), libgcc-s1 (>= 3.0), adduser")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/firmware/debian/conffiles
    ${PROJECT_SOURCE_DIR}/firmware/debian/postinst
    ${PROJECT_SOURCE_DIR}/firmware/debian/prerm
    ${PROJECT_SOURCE_DIR}/firmware/debian/postrm)
# Maintainer scripts 0755, conffiles 0644, whatever the checkout's umask.
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
include(CPack)
