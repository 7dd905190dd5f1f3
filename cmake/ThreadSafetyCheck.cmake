# Compiles the library sources under src/ with clang's thread-safety
# analysis as errors (-fsyntax-only: no objects, no codegen), reusing each
# file's flags from the GCC build's compile_commands.json. Run by the CTest
# test "thread_safety" (CMakeLists.txt), or by hand:
#   cmake -DCLANGXX=clang++-14 -DSOURCE_DIR=. -DCOMMANDS=build/compile_commands.json \
#         -P cmake/ThreadSafetyCheck.cmake
# Only files that can see an annotated Mutex are checked (the rest have no
# locks to analyse), which keeps the check to about a minute.
foreach(var CLANGXX SOURCE_DIR COMMANDS)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "ThreadSafetyCheck: pass -D${var}=...")
  endif()
endforeach()
file(READ "${COMMANDS}" json)
string(JSON count LENGTH "${json}")
math(EXPR last "${count} - 1")
set(checked 0)
set(failed "")
foreach(i RANGE ${last})
  string(JSON file GET "${json}" ${i} file)
  string(JSON command GET "${json}" ${i} command)
  string(JSON directory GET "${json}" ${i} directory)
  if(NOT file MATCHES "^${SOURCE_DIR}/src/")
    continue()
  endif()
  # Whether the file includes (directly or through a header of src/) the Mutex.
  file(STRINGS "${file}" includes REGEX "#include \"(util/mutex|worker/worker|lifecycle/lifecycle|http/api)\\.h\"")
  if(NOT includes)
    continue()
  endif()
  separate_arguments(args UNIX_COMMAND "${command}")
  list(POP_FRONT args)  # the compiler
  # Drop what writes files: -o X, -c, dependency outputs.
  set(clean "")
  set(skip_next OFF)
  foreach(a IN LISTS args)
    if(skip_next)
      set(skip_next OFF)
    elseif(a STREQUAL "-o" OR a STREQUAL "-MF" OR a STREQUAL "-MT" OR a STREQUAL "-MQ")
      set(skip_next ON)
    elseif(a STREQUAL "-c" OR a STREQUAL "-MD" OR a STREQUAL "-MMD" OR a STREQUAL "${file}")
    else()
      list(APPEND clean "${a}")
    endif()
  endforeach()
  execute_process(
    COMMAND "${CLANGXX}" ${clean} -fsyntax-only -Wno-unknown-warning-option
            -Wthread-safety -Werror=thread-safety "${file}"
    WORKING_DIRECTORY "${directory}"
    RESULT_VARIABLE rc)
  math(EXPR checked "${checked} + 1")
  if(NOT rc EQUAL 0)
    list(APPEND failed "${file}")
  endif()
endforeach()
if(failed)
  message(FATAL_ERROR "thread-safety analysis failed for: ${failed}")
endif()
if(checked EQUAL 0)
  message(FATAL_ERROR "ThreadSafetyCheck: no source checked (is ${COMMANDS} from this tree?)")
endif()
message(STATUS "thread-safety analysis clean on ${checked} files")
