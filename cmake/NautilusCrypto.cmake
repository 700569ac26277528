# libsodium and libsecp256k1 for every module, as two interface targets:
# nt_dep_sodium and nt_dep_secp256k1.
#
# NT_STATIC_CRYPTO (default ON) links the archives that Debian's -dev
# packages ship (libsodium.a, libsecp256k1.a) instead of the shared
# libraries. Every `nautilus` command then maps two fewer libraries at
# start: about a quarter of the start-up CPU time of `nautilus version`
# (perf stat, task-clock), which is most of what a resolve through the
# agent or a `zk verify` costs. The price is the usual one of static
# linking: a security update of either library needs a rebuild of
# nautilus (the installed static libraries and nautilus.pc still name the
# shared ones for other programs). OFF, or an archive that is missing,
# links the shared libraries.
option(NT_STATIC_CRYPTO "Link libsodium and libsecp256k1 statically into the programs" ON)
pkg_check_modules(NT_DEP_SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(NT_DEP_SECP256K1 REQUIRED IMPORTED_TARGET libsecp256k1)
add_library(nt_dep_sodium INTERFACE)
add_library(nt_dep_secp256k1 INTERFACE)
if(NT_STATIC_CRYPTO)
  find_library(NT_SODIUM_ARCHIVE NAMES libsodium.a HINTS ${NT_DEP_SODIUM_LIBRARY_DIRS})
  find_library(NT_SECP256K1_ARCHIVE NAMES libsecp256k1.a HINTS ${NT_DEP_SECP256K1_LIBRARY_DIRS})
endif()
if(NT_STATIC_CRYPTO AND NT_SODIUM_ARCHIVE AND NT_SECP256K1_ARCHIVE)
  find_package(Threads REQUIRED) # libsodium.a's own need (pkg-config --static)
  target_include_directories(nt_dep_sodium INTERFACE ${NT_DEP_SODIUM_INCLUDE_DIRS})
  target_link_libraries(nt_dep_sodium INTERFACE ${NT_SODIUM_ARCHIVE} Threads::Threads)
  target_include_directories(nt_dep_secp256k1 INTERFACE ${NT_DEP_SECP256K1_INCLUDE_DIRS})
  target_link_libraries(nt_dep_secp256k1 INTERFACE ${NT_SECP256K1_ARCHIVE})
  message(STATUS "nautilus: libsodium and libsecp256k1 linked statically (NT_STATIC_CRYPTO)")
else()
  target_link_libraries(nt_dep_sodium INTERFACE PkgConfig::NT_DEP_SODIUM)
  target_link_libraries(nt_dep_secp256k1 INTERFACE PkgConfig::NT_DEP_SECP256K1)
endif()
