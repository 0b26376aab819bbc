# Install layout and the Debian package.
#
#   cmake --install build                     into the system (prefix /usr)
#   DESTDIR=/tmp/stage cmake --install build  into a staging root
#   cd build && cpack -G DEB                  orauditd_<version>_<arch>.deb
#
# The prefix defaults to /usr rather than /usr/local, because the systemd
# units name /usr/bin/orauditd. The config always goes to /etc/orauditd,
# whatever the prefix, because that is where the daemon looks by default;
# since that destination is absolute, stage with DESTDIR, not --prefix.

if(CMAKE_INSTALL_PREFIX_INITIALIZED_TO_DEFAULT)
  set(CMAKE_INSTALL_PREFIX /usr CACHE PATH "Install prefix" FORCE)
endif()
include(GNUInstallDirs)

install(TARGETS orauditd orauditctl RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES systemd/orauditd.service systemd/orauditd.socket
        DESTINATION lib/systemd/system)
install(FILES packaging/tmpfiles.d/orauditd.conf
        DESTINATION lib/tmpfiles.d)
install(FILES etc/orauditd.service.yaml DESTINATION /etc/orauditd RENAME orauditd.yaml)
install(FILES docs/man/orauditd.8 DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
install(FILES docs/man/orauditctl.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES README.md docs/operations.md docs/record-format.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES etc/orauditd.yaml etc/orauditd.local.yaml examples/records.jsonl
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME orauditd)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "orauditd maintainers <orauditd@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "durable, tamper-evident audit rows for OpenRouter API calls")
string(CONCAT CPACK_PACKAGE_DESCRIPTION
  "orauditd takes records of OpenRouter calls from applications over a Unix socket or a\n"
  "spool directory, stores them durably, fetches the authoritative cost and token counts\n"
  "from OpenRouter's generation endpoint and writes one hash-chained audit row per call\n"
  "to SQLite and/or JSON lines. Runs as a hardened systemd service with metrics.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES TRUE)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends: the shared libraries the binaries link, found by dpkg-shlibdeps,
# plus adduser for the postinst.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "sqlite3")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/debian/conffiles
    ${PROJECT_SOURCE_DIR}/packaging/debian/postinst
    ${PROJECT_SOURCE_DIR}/packaging/debian/prerm
    ${PROJECT_SOURCE_DIR}/packaging/debian/postrm)
include(CPack)

# Builds the package from this build tree and inspects it (ctest -L package).
if(ORAUDITD_BUILD_TESTS)
  add_test(NAME package_deb
           COMMAND ${PROJECT_SOURCE_DIR}/tests/package/check_package.sh
                   ${CMAKE_BINARY_DIR} ${PROJECT_SOURCE_DIR})
  set_tests_properties(package_deb PROPERTIES LABELS package TIMEOUT 600)
endif()
