/* A write through a wild pointer: TSan prints its SEGV report and stops. */
#include <stdint.h>

static void poke(volatile int *p) { *p = 1; }

int main(int argc, char **argv) {
    poke((volatile int *)(uintptr_t)(0x10 * argc));
    return 0;
}
