# cmake -DSTRIP=... -DBINARY=... -DCOPY=... -DBUDGET=<bytes> [-DREADELF=...] -P CheckStrippedSize.cmake
# Strips a copy of BINARY (the build's file is left as it is) and fails when the copy is larger
# than BUDGET bytes, naming both figures. Used by the size-budget test (tests/CMakeLists.txt).
#
# With READELF it also prints the code headroom: how many bytes the code segment (the first
# PT_LOAD) may still grow before it reaches the data segment's file offset. The linker pads the
# file so that the end of PT_GNU_RELRO falls on the maximum page size (64 KiB on aarch64), so the
# file grows in steps of that size, not byte for byte: the byte headroom alone can say 17 KB
# while 7 KB more code would put the file 64 KiB over (docs/footprint.md).
foreach(var STRIP BINARY COPY BUDGET)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "CheckStrippedSize.cmake needs -D${var}=...")
  endif()
endforeach()
execute_process(COMMAND ${STRIP} -o ${COPY} ${BINARY} RESULT_VARIABLE stripped ERROR_VARIABLE strip_error)
if(NOT stripped EQUAL 0)
  message(FATAL_ERROR "${STRIP} could not strip ${BINARY}: ${strip_error}")
endif()

# "LOAD <offset> <vaddr> <paddr> <filesz> ..." for each loadable segment, in file order.
set(code_note "")
if(READELF)
  execute_process(COMMAND ${READELF} -lW ${COPY} OUTPUT_VARIABLE headers RESULT_VARIABLE read)
  string(REGEX MATCHALL "LOAD +0x[0-9a-f]+ +0x[0-9a-f]+ +0x[0-9a-f]+ +0x[0-9a-f]+" loads "${headers}")
  list(LENGTH loads load_count)
  if(read EQUAL 0 AND load_count GREATER 1)
    list(GET loads 0 code)
    list(GET loads 1 data)
    string(REGEX REPLACE "LOAD +0x[0-9a-f]+ +0x[0-9a-f]+ +0x[0-9a-f]+ +(0x[0-9a-f]+)" "\\1" code_size "${code}")
    string(REGEX REPLACE "LOAD +(0x[0-9a-f]+) .*" "\\1" data_offset "${data}")
    math(EXPR code_headroom "${data_offset} - ${code_size}")
    math(EXPR code_size "${code_size}")
    set(code_note "; code ${code_size} bytes, ${code_headroom} more before the file's next page-size step")
  endif()
endif()

file(SIZE ${COPY} size)
math(EXPR headroom "${BUDGET} - ${size}")
if(size GREATER BUDGET)
  math(EXPR over "${size} - ${BUDGET}")
  message(FATAL_ERROR "${BINARY} is ${size} bytes stripped, ${over} bytes over its budget of ${BUDGET}${code_note}; "
                      "docs/footprint.md says what it is made of and what else could go")
endif()
message(STATUS "${BINARY}: ${size} bytes stripped, budget ${BUDGET}, headroom ${headroom}${code_note}")
