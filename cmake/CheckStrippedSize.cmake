# cmake -DSTRIP=... -DBINARY=... -DCOPY=... -DBUDGET=<bytes> -P CheckStrippedSize.cmake
# Strips a copy of BINARY (the build's file is left as it is) and fails when the copy is larger
# than BUDGET bytes, naming both figures. Used by the size-budget test (tests/CMakeLists.txt).
foreach(var STRIP BINARY COPY BUDGET)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "CheckStrippedSize.cmake needs -D${var}=...")
  endif()
endforeach()
execute_process(COMMAND ${STRIP} -o ${COPY} ${BINARY} RESULT_VARIABLE stripped ERROR_VARIABLE strip_error)
if(NOT stripped EQUAL 0)
  message(FATAL_ERROR "${STRIP} could not strip ${BINARY}: ${strip_error}")
endif()
file(SIZE ${COPY} size)
math(EXPR headroom "${BUDGET} - ${size}")
if(size GREATER BUDGET)
  math(EXPR over "${size} - ${BUDGET}")
  message(FATAL_ERROR "${BINARY} is ${size} bytes stripped, ${over} bytes over its budget of ${BUDGET}; "
                      "docs/footprint.md says what it is made of and what else could go")
endif()
message(STATUS "${BINARY}: ${size} bytes stripped, budget ${BUDGET}, headroom ${headroom}")
