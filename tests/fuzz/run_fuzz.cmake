# Runs the TSan report fuzzer for a bounded time over a copy of the seed corpus
# kept in the build dir (so what it learns carries over to the next run), and
# fails on any crash, leak, timeout or sanitizer error it reports.
# Inputs (-D): FUZZER, LIBFUZZER (ON/OFF), SEEDS (dirs), DICT, WORK, SECONDS, MAX_LEN.
set(corpus "${WORK}/corpus")
set(artifacts "${WORK}/artifacts/")
file(MAKE_DIRECTORY "${corpus}" "${artifacts}")
foreach(dir ${SEEDS})
  file(GLOB seeds "${dir}/*.log" "${dir}/*.txt")
  file(COPY ${seeds} DESTINATION "${corpus}")
endforeach()

if(LIBFUZZER)
  set(args -max_total_time=${SECONDS} -max_len=${MAX_LEN} -timeout=10 -rss_limit_mb=2048
           -print_final_stats=1 -dict=${DICT} -artifact_prefix=${artifacts} ${corpus})
else()
  set(args -max_total_time=${SECONDS} ${corpus})
endif()
execute_process(COMMAND "${FUZZER}" ${args} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "fuzzer failed (${rc}); reproducer, if any, in ${artifacts}")
endif()
