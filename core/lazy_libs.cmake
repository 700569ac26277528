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
