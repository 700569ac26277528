# The shared libraries that `nautilus` opens on first use, and every function
# of theirs that the code calls (core/lazy.cmake explains how; DESIGN §8.2).
# Link nt_lazy_curl, nt_lazy_sqlite3, ... instead of the package. Calling a
# function not listed here fails at link time: add it to its list.
include(${CMAKE_CURRENT_LIST_DIR}/lazy.cmake)

nt_lazy_library(curl SONAME libcurl.so.4 PKG libcurl WHAT "the chain JSON-RPC client"
  SYMBOLS
    curl_easy_cleanup curl_easy_getinfo curl_easy_init curl_easy_perform curl_easy_setopt
    curl_free curl_global_cleanup curl_global_init curl_slist_append curl_slist_free_all
    curl_url curl_url_cleanup curl_url_get curl_url_set)

nt_lazy_library(sqlite3 SONAME libsqlite3.so.0 PKG sqlite3 WHAT "the ledger's SQLite stores"
  SYMBOLS
    sqlite3_bind_blob sqlite3_bind_int sqlite3_bind_int64 sqlite3_bind_parameter_count
    sqlite3_bind_text sqlite3_busy_timeout sqlite3_clear_bindings sqlite3_close
    sqlite3_column_blob sqlite3_column_bytes sqlite3_column_int sqlite3_column_int64
    sqlite3_column_text sqlite3_column_type sqlite3_db_config sqlite3_exec
    sqlite3_extended_result_codes sqlite3_finalize sqlite3_get_autocommit
    sqlite3_last_insert_rowid sqlite3_open sqlite3_open_v2 sqlite3_prepare_v2 sqlite3_prepare_v3
    sqlite3_reset sqlite3_step)

nt_lazy_library(systemd SONAME libsystemd.so.0 PKG libsystemd WHAT "the agent's readiness notices (sd_notify)"
  SYMBOLS sd_notify)

nt_lazy_library(inih SONAME libinih.so.1 PKG inih WHAT "the agent's configuration file"
  SYMBOLS ini_parse_string)

nt_lazy_library(expat SONAME libexpat.so.1 PKG expat WHAT "Avahi .service files"
  SYMBOLS
    XML_ErrorString XML_GetCurrentLineNumber XML_GetErrorCode XML_Parse XML_ParserCreate
    XML_ParserFree XML_SetCharacterDataHandler XML_SetElementHandler XML_SetEntityDeclHandler
    XML_SetParamEntityParsing XML_SetUserData XML_StopParser)

nt_lazy_library(zmq SONAME libzmq.so.5 PKG libzmq WHAT "the trust-event bus"
  SYMBOLS
    zmq_bind zmq_close zmq_connect zmq_ctx_new zmq_ctx_term zmq_curve_keypair zmq_curve_public
    zmq_disconnect zmq_errno zmq_getsockopt zmq_msg_close zmq_msg_copy zmq_msg_data zmq_msg_init
    zmq_msg_more zmq_msg_recv zmq_msg_send zmq_msg_size zmq_poll zmq_recv zmq_send
    zmq_setsockopt zmq_socket zmq_strerror zmq_z85_decode)

nt_lazy_library(crypto SONAME libcrypto.so.3 PKG libcrypto WHAT "the event bus's SHA-256"
  SYMBOLS
    EVP_DigestFinal_ex EVP_DigestInit_ex EVP_DigestUpdate EVP_MD_CTX_free EVP_MD_CTX_new
    EVP_MD_fetch EVP_MD_free)

# libm: only the ranking (agent/rank) and the agent's request checks call
# it, yet as a start-up dependency it cost every command about 9 page faults
# (mapping, relocation, its ifunc resolvers, _init/_fini), a tenth of
# `nautilus version`. glibc's libm.a cannot go into a dynamic program (its
# ifunc resolvers need ld.so internals), so it is opened on first use.
nt_lazy_library(m SONAME libm.so.6 LINK m WHAT "the ranking's arithmetic"
  SYMBOLS erfc exp exp2 floor log pow sqrt)
