# `cmake --install`: the program, the public headers, the static libraries,
# nautilus.pc, the systemd unit and sysusers file, the man pages and the
# example configuration (DESIGN §8.1, README "Install"). Included last from
# the top-level CMakeLists.txt, so every module's target exists.

# Libraries in link order: a library before those it uses. A module that is
# not built (NT_ONLY) is left out.
set(NT_INSTALL_LIB_ORDER nt_conf nt_bus nt_rank nt_ctl nt_trust_mdns nt_net nt_trust nt_mdns
    nt_wire nt_ledger_chain nt_ledger_outbox nt_ledger_log nt_ledger_db nt_ledger
    nt_lazy_inih nt_lazy_expat nt_lazy_zmq nt_lazy_crypto nt_lazy_curl nt_lazy_sqlite3
    nt_lazy_systemd nt_lazy_m nt_lazy
    nt_zk nt_crypto nt_core)
set(NT_INSTALL_LIBS "")
set(NT_PC_LIBS "")
foreach(lib ${NT_INSTALL_LIB_ORDER})
  if(TARGET ${lib})
    list(APPEND NT_INSTALL_LIBS ${lib})
    string(REGEX REPLACE "^lib" "" short ${lib})
    string(APPEND NT_PC_LIBS " -l${short}")
  endif()
endforeach()

if(NT_INSTALL_LIBS)
  install(TARGETS ${NT_INSTALL_LIBS} ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
endif()
if(TARGET nautilus)
  install(TARGETS nautilus RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
install(DIRECTORY ${CMAKE_SOURCE_DIR}/include/nautilus
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")

# nautilus.pc. The libraries are static; what they use is in
# Requires.private (what has a .pc file) and Libs.private (the rest), so
# `pkg-config --cflags` finds their headers and `pkg-config --static` a fully
# static link. A program that calls what needs none of them (nt_core, say)
# links with plain `pkg-config --libs nautilus`; one that uses more adds
# `pkg-config --libs $(pkg-config --print-requires-private nautilus)` to link
# them as shared libraries (README "Install").
# With NT_LAZY_LIBS the nt_lazy_* libraries stand for libcurl, SQLite,
# libzmq, libsystemd, inih, expat and libm (opened on first use, DESIGN
# §8.2), so only the rest are link dependencies.
set(NT_PC_REQUIRES_PRIVATE "libsodium libsecp256k1 libcjson")
if(NOT NT_LAZY_LIBS)
  string(APPEND NT_PC_REQUIRES_PRIVATE " libcurl sqlite3 inih expat libsystemd")
  if(TARGET nt_bus)
    string(APPEND NT_PC_REQUIRES_PRIVATE " libzmq")
  endif()
endif()
set(NT_PC_LIBS_PRIVATE "-lpthread -ldl")
if(NOT NT_LAZY_LIBS)
  string(APPEND NT_PC_LIBS_PRIVATE " -lm")
endif()
file(RELATIVE_PATH NT_PC_UP /root/${CMAKE_INSTALL_LIBDIR}/pkgconfig /root)
string(REGEX REPLACE "/$" "" NT_PC_UP "${NT_PC_UP}")
configure_file(${CMAKE_SOURCE_DIR}/packaging/nautilus.pc.in ${CMAKE_BINARY_DIR}/nautilus.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/nautilus.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# systemd: the unit (paths filled in) and the user it drops to.
set(NT_SYSTEMD_UNIT_DIR "lib/systemd/system" CACHE STRING "Where the systemd unit goes (under the prefix)")
set(NT_SYSUSERS_DIR "lib/sysusers.d" CACHE STRING "Where the sysusers.d file goes (under the prefix)")
set(NT_UNIT_BINDIR ${CMAKE_INSTALL_FULL_BINDIR})
set(NT_UNIT_SYSCONFDIR ${CMAKE_INSTALL_FULL_SYSCONFDIR})
configure_file(${CMAKE_SOURCE_DIR}/packaging/systemd/nautilus-agent.service.in
               ${CMAKE_BINARY_DIR}/nautilus-agent.service @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/nautilus-agent.service DESTINATION ${NT_SYSTEMD_UNIT_DIR})
install(FILES ${CMAKE_SOURCE_DIR}/packaging/systemd/nautilus.sysusers
        DESTINATION ${NT_SYSUSERS_DIR} RENAME nautilus.conf)

install(FILES ${CMAKE_SOURCE_DIR}/man/nautilus.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${CMAKE_SOURCE_DIR}/man/nautilus-agent.8 DESTINATION ${CMAKE_INSTALL_MANDIR}/man8)
install(FILES ${CMAKE_SOURCE_DIR}/man/nautilus.conf.5 DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)
install(FILES ${CMAKE_SOURCE_DIR}/examples/nautilus.conf
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
# The file the unit reads: valid as it is (nothing published, every type
# browsed), so the service starts before anyone edits it.
install(FILES ${CMAKE_SOURCE_DIR}/packaging/nautilus.conf
        DESTINATION ${CMAKE_INSTALL_SYSCONFDIR}/nautilus)

# The packaging checks (install into a staging root, pkg-config, the unit,
# the man pages, docker-compose.yml): tests/tool/package.sh.
if(TARGET nautilus)
  add_test(NAME tool_package COMMAND bash ${CMAKE_SOURCE_DIR}/tests/tool/package.sh
           $<TARGET_FILE:nautilus> ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR})
  set_tests_properties(tool_package PROPERTIES LABELS tool TIMEOUT 120)
endif()
