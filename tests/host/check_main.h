/* The common main() of the host test programs: run one check(3) suite and
 * exit non-zero if any case failed (tools/run-host-tests.sh reads the TAP
 * log check writes when CK_TAP_LOG_FILE_NAME is set). */
#ifndef CHECK_MAIN_H
#define CHECK_MAIN_H

#include <check.h>

static inline int run_suite(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}

#endif
