/* Keeping the idle init small in memory. Startup touches nearly all of the
 * binary, and the kernel maps file pages in 64 kB windows around each fault
 * ("fault-around"). The loop an idle init runs is therefore placed in a
 * section of its own, nestinit_idle, which is split off into a mapping of its
 * own (MADV_RANDOM, which changes the mapping's flags, makes the kernel split
 * it), so faults there stay inside it; then every code and read-only page is
 * dropped from our page tables. What the idle loop touches comes back; the
 * rest stays in the page cache, shared, and out of our RSS. */
#ifndef NESTINIT_IDLE_H
#define NESTINIT_IDLE_H

#define IDLE_CODE __attribute__((section("nestinit_idle"), noinline))

/* Called by the loop itself, from inside nestinit_idle, before it first blocks. */
void idle_shed_pages(void);

#endif
