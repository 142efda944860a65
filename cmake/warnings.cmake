add_library(sasaran_warnings INTERFACE)
target_compile_options(sasaran_warnings INTERFACE -Wall -Wextra -Wpedantic -Wconversion
                                                  -Wshadow -Wnon-virtual-dtor)
if(SASARAN_WERROR)
  target_compile_options(sasaran_warnings INTERFACE -Werror)
endif()

# Sanitizers apply to every target of the build, libraries and tests alike.
if(SASARAN_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()

# Fuzzing instruments every library for libFuzzer's coverage feedback and ASan+UBSan; only the
# fuzz targets link libFuzzer itself (tests/fuzz/CMakeLists.txt), so other executables keep
# their own main().
if(SASARAN_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "SASARAN_FUZZ needs clang (CC=clang CXX=clang++; scripts/fuzz.sh)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
