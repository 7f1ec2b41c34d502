# Compiler launcher and warning flags shared by every target.
find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
  set(CMAKE_C_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
  message(STATUS "ccache: ${CCACHE_PROGRAM}")
endif()

add_library(ambient_warnings INTERFACE)
target_compile_options(ambient_warnings INTERFACE -Wall -Wextra -Wno-unused-parameter)

# One precompiled header for every target: LibTorch's headers dominate compile time on
# 2 cores (~20 s per translation unit without it). Targets opt in with ambient_use_pch().
function(ambient_use_pch target)
  if(NOT TARGET ambient_pch)
    return()
  endif()
  target_precompile_headers(${target} REUSE_FROM ambient_pch)
endfunction()
