# Every dependency comes from Debian 12's packages (see scripts/install-deps.sh).
find_package(PkgConfig REQUIRED)
find_package(GDAL CONFIG REQUIRED)
find_package(GEOS CONFIG REQUIRED)
find_package(PROJ CONFIG REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(ZLIB REQUIRED)
find_package(nlohmann_json CONFIG REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(Threads REQUIRED)
# libpq for the PostgreSQL store (Debian's libpq-dev; the server is not needed to build).
find_package(PostgreSQL REQUIRED)
pkg_check_modules(SPATIALITE REQUIRED IMPORTED_TARGET spatialite)
pkg_check_modules(PISTACHE REQUIRED IMPORTED_TARGET libpistache)
# Whole-buffer gzip, several times faster than zlib: tiles are gzipped each time one is built.
pkg_check_modules(LIBDEFLATE REQUIRED IMPORTED_TARGET libdeflate)
# Optional: `sasaran token link` draws the link as a QR code with it (libqrencode-dev).
pkg_check_modules(QRENCODE IMPORTED_TARGET libqrencode)
# protozero is header-only and ships no CMake config (../shared/STACK-NOTES.md).
find_path(PROTOZERO_INCLUDE_DIR protozero/pbf_writer.hpp REQUIRED)
