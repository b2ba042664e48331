# Runs one parser's fuzzer for a bounded time over a copy of its seeds kept in
# the build dir (so what it learns carries over to the next run), from the
# source root, and prints one line of figures:
#   fuzz NAME: EXECS executions, RATE exec/s, CRASHES crashes, SECONDS s
# Inputs (-D): CONFIG (the harness's NAME.fuzz.cmake, written by
# CMakeLists.txt: NAME, FUZZER, LIBFUZZER, SEEDS, DICT, WORK, MAX_LEN,
# SOURCE_ROOT), SECONDS, and BENCH.
# Without BENCH (the ctest test) any crash, leak, timeout or sanitizer error
# fails at once, with the fuzzer's output and the reproducer's path. With
# BENCH=ON (ci/bench-fuzz-parsers) a crash is counted and the fuzzer started
# again until SECONDS are used, so the figures cover the whole budget.
include("${CONFIG}")
set(corpus "${WORK}/corpus")
set(artifacts "${WORK}/artifacts/")
file(MAKE_DIRECTORY "${corpus}" "${artifacts}")
foreach(glob ${SEEDS})
  file(GLOB seeds LIST_DIRECTORIES false "${glob}")
  if(seeds)
    file(COPY ${seeds} DESTINATION "${corpus}")
  endif()
endforeach()

string(TIMESTAMP start "%s" UTC)
set(execs 0)
set(crashes 0)
set(left ${SECONDS})
while(left GREATER 0)
  if(LIBFUZZER)
    # close_fd_mask=3: the parsers' own error messages would flood the log and
    # slow the run; libFuzzer and the sanitizers still report on a copy of stderr.
    set(args -max_total_time=${left} -max_len=${MAX_LEN} -timeout=10 -rss_limit_mb=2048
             -close_fd_mask=3 -print_final_stats=1 -artifact_prefix=${artifacts})
    if(DICT)
      list(APPEND args -dict=${DICT})
    endif()
    list(APPEND args "${corpus}")
  else()
    set(args -max_total_time=${left} "${corpus}")
  endif()
  execute_process(COMMAND "${FUZZER}" ${args} WORKING_DIRECTORY "${SOURCE_ROOT}"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(n 0)
  if("${out}${err}" MATCHES "stat::number_of_executed_units: *([0-9]+)")
    set(n ${CMAKE_MATCH_1})
  elseif("${out}${err}" MATCHES "Done ([0-9]+) runs")
    set(n ${CMAKE_MATCH_1})
  endif()
  math(EXPR execs "${execs} + ${n}")
  if(NOT rc EQUAL 0)
    math(EXPR crashes "${crashes} + 1")
    if(NOT BENCH)
      message("${out}${err}")
      message(FATAL_ERROR "fuzz ${NAME}: the fuzzer failed (${rc}); reproducer, if any, in "
                          "${artifacts}")
    endif()
  endif()
  string(TIMESTAMP now "%s" UTC)
  math(EXPR left "${SECONDS} - (${now} - ${start})")
  if(rc EQUAL 0)
    break()
  endif()
endwhile()

string(TIMESTAMP now "%s" UTC)
math(EXPR elapsed "${now} - ${start}")
if(elapsed LESS 1)
  set(elapsed 1)
endif()
math(EXPR rate "${execs} / ${elapsed}")
message("fuzz ${NAME}: ${execs} executions, ${rate} exec/s, ${crashes} crashes, ${elapsed} s")
