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
