/*
 * perf_coro.c - the coroutine primitive's budgets, measured against baselines in the same
 * run (make -C csrc bench).
 *
 *   switch                 gev_coro_switch round trip root -> B -> root, counted as two
 *                          switches; baselines: boost.context jump_fcontext (the same ping
 *                          pong) and glibc swapcontext. Budget: <= 0.6x jump_fcontext.
 *   switch, unguarded      the same with B on an unguarded stack (canary + sp check on each
 *                          switch out of B). Reported, no budget.
 *   switch, bare asm       the asm switch alone (gev__coro_swap, what gev_coro_switch
 *                          tail-calls) without the checks and bookkeeping around it: the
 *                          "bare hand-written switch" of the budgets. Reported, no budget.
 *   create+switch+destroy  pooled gev_coro_create, first switch into it (it exits back at
 *                          once: two switches in all), gev_coro_destroy. Budget: <= 25 ns.
 *   resident per idle      10,000 coroutines that each ran a little (a few hundred bytes of
 *                          stack, a snprintf) and are suspended: RSS delta from
 *                          /proc/self/statm divided by 10,000; mincore over their stacks as
 *                          a cross-check. Budget: <= 4.3 KiB.
 *
 * Every measurement is repeated RUNS times, interleaved (one round measures everything once,
 * so a noisy neighbour hits every row alike); the table shows median and min-max and the
 * verdicts compare medians. The whole run takes a few seconds. QUICK=1 in the environment
 * (or -quick) runs a short pass that only proves the program works: budgets are not judged.
 *
 * bench/cmd/gevent-bench parses this table: keep the row names and the "N runs" header.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "gev_coro.h"

#define RUNS 7

/* boost.context's C ABI (libboost_context), declared here rather than pulling in C++. */
typedef void *fcontext_t;
typedef struct {
	fcontext_t fctx;
	void *data;
} transfer_t;
extern transfer_t jump_fcontext(fcontext_t const to, void *vp);
extern fcontext_t make_fcontext(void *sp, size_t size, void (*fn)(transfer_t));

static int quick;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what, long rc)
{
	fprintf(stderr, "perf_coro: %s failed: %ld\n", what, rc);
	exit(1);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

typedef struct {
	double med, min, max;
} stats;

static stats stats_of(const double *in, int n)
{
	double v[RUNS];
	memcpy(v, in, sizeof(double) * (size_t)n);
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	stats s = {n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2, v[0], v[n - 1]};
	return s;
}

static gev_coro *root;

/* ---- our switch ----------------------------------------------------------------------- */

static void pong_body(void *arg)
{
	(void)arg;
	for (;;)
		gev_coro_switch(root, NULL);
}

static double ours_switch(long rounds, enum gev_coro_guard guard)
{
	gev_coro *b;
	gev_coro_attr attr = {.guard = guard, .name = "pong"};
	int rc = gev_coro_create_attr(&b, pong_body, NULL, &attr);
	if (rc != 0)
		die("gev_coro_create_attr", rc);
	if ((guard == GEV_CORO_GUARD_NONE) == (gev_coro_is_guarded(b) != 0))
		die("guard setup", guard);
	gev_coro_switch(b, NULL);
	double t0 = now();
	for (long i = 0; i < rounds; i++)
		gev_coro_switch(b, NULL);
	double dt = now() - t0;
	gev_coro_destroy(b);
	return dt * 1e9 / (double)(2 * rounds);
}

/* ---- the bare asm switch ---------------------------------------------------------------- */

/* Hidden in libgevcore.a but linkable statically. The asm reads and writes only the first
 * word of a descriptor (its saved sp; static-asserted in coro_ctx.h), so a plain void *
 * stands in for each side here. The coroutine is driven around the library's
 * bookkeeping, so it stays NEW for gev_coro_destroy. Only for this measurement. */
extern void *gev__coro_swap(void *to, void *value, void *from);
static void *bare_main_sp, *bare_co_sp;

static void bare_body(void *arg)
{
	(void)arg;
	for (;;)
		gev__coro_swap(&bare_main_sp, NULL, &bare_co_sp);
}

static double bare_switch(long rounds)
{
	gev_coro *co;
	if (gev_coro_create(&co, bare_body, NULL, 0) != 0)
		die("gev_coro_create", -1);
	bare_co_sp = *(void **)co; /* the first-entry frame */
	gev__coro_swap(&bare_co_sp, NULL, &bare_main_sp);
	double t0 = now();
	for (long i = 0; i < rounds; i++)
		gev__coro_swap(&bare_co_sp, NULL, &bare_main_sp);
	double dt = now() - t0;
	gev_coro_destroy(co);
	return dt * 1e9 / (double)(2 * rounds);
}

/* ---- boost.context jump_fcontext ------------------------------------------------------ */

static void fc_body(transfer_t t)
{
	for (;;)
		t = jump_fcontext(t.fctx, NULL);
}

static double boost_switch(long rounds)
{
	size_t size = 64 * 1024;
	char *stack = mmap(NULL, size, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (stack == MAP_FAILED)
		die("mmap", -1);
	fcontext_t fc = make_fcontext(stack + size, size, fc_body);
	transfer_t t = jump_fcontext(fc, NULL);
	double t0 = now();
	for (long i = 0; i < rounds; i++)
		t = jump_fcontext(t.fctx, NULL);
	double dt = now() - t0;
	munmap(stack, size);
	return dt * 1e9 / (double)(2 * rounds);
}

/* ---- glibc swapcontext ---------------------------------------------------------------- */

static ucontext_t uc_main, uc_co;

static void uc_body(void)
{
	for (;;)
		swapcontext(&uc_co, &uc_main);
}

static double glibc_switch(long rounds)
{
	size_t size = 64 * 1024;
	char *stack = mmap(NULL, size, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (stack == MAP_FAILED || getcontext(&uc_co) != 0)
		die("mmap/getcontext", -1);
	uc_co.uc_stack.ss_sp = stack;
	uc_co.uc_stack.ss_size = size;
	uc_co.uc_link = NULL;
	makecontext(&uc_co, uc_body, 0);
	swapcontext(&uc_main, &uc_co);
	double t0 = now();
	for (long i = 0; i < rounds; i++)
		swapcontext(&uc_main, &uc_co);
	double dt = now() - t0;
	munmap(stack, size);
	return dt * 1e9 / (double)(2 * rounds);
}

/* ---- pooled create + first switch + destroy ------------------------------------------ */

static void exit_body(void *arg)
{
	(void)arg;
	gev_coro_exit(root, NULL);
}

static double create_switch_destroy(long n)
{
	gev_coro *co;
	/* warm the pool: one stack, reused by every iteration below */
	if (gev_coro_create(&co, exit_body, NULL, 0) != 0)
		die("gev_coro_create", -1);
	gev_coro_switch(co, NULL);
	gev_coro_destroy(co);
	gev_coro_census c;
	gev_coro_get_census(&c);
	size_t mapped = c.mapped_stacks;
	double t0 = now();
	for (long i = 0; i < n; i++) {
		gev_coro_create(&co, exit_body, NULL, 0);
		gev_coro_switch(co, NULL);
		gev_coro_destroy(co);
	}
	double dt = now() - t0;
	gev_coro_get_census(&c);
	if (c.live != 0 || c.mapped_stacks != mapped)
		die("pool reuse (census)", (long)c.mapped_stacks);
	return dt * 1e9 / (double)n;
}

/* ---- resident bytes per idle coroutine ------------------------------------------------ */

#define IDLE_N 10000

static __attribute__((noinline)) size_t a_little_work(uintptr_t id)
{
	char buf[256];
	int n = snprintf(buf, sizeof buf, "greenlet %lu doing a little work", (unsigned long)id);
	size_t h = 0;
	for (int i = 0; i < n; i++)
		h = h * 31 + (unsigned char)buf[i];
	return h;
}

static void idle_body(void *arg)
{
	volatile size_t h = a_little_work((uintptr_t)arg);
	for (;;)
		gev_coro_switch(root, (void *)(uintptr_t)h);
}

static long statm_resident_pages(void)
{
	long size, resident;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f == NULL || fscanf(f, "%ld %ld", &size, &resident) != 2)
		die("read /proc/self/statm", -1);
	fclose(f);
	return resident;
}

/* Resident pages of the coroutine's stack and descriptor, by mincore. */
static size_t mincore_pages(gev_coro *co, size_t page)
{
	char *lo, *hi;
	static unsigned char vec[1 << 12];
	gev_coro_stack_bounds(co, (void **)&lo, (void **)&hi);
	char *a = (char *)((uintptr_t)lo & ~(uintptr_t)(page - 1));
	char *b = (char *)(((uintptr_t)hi + page) & ~(uintptr_t)(page - 1)); /* incl. descriptor */
	size_t np = (size_t)(b - a) / page;
	if (np > sizeof vec || mincore(a, (size_t)(b - a), vec) != 0)
		die("mincore", -1);
	size_t r = 0;
	for (size_t i = 0; i < np; i++)
		r += vec[i] & 1;
	return r;
}

static gev_coro *idle[IDLE_N];

static void resident_per_idle(double *statm_bytes, double *mincore_bytes)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	gev_coro_pool_trim();
	long before = statm_resident_pages();
	for (int i = 0; i < IDLE_N; i++) {
		int rc = gev_coro_create(&idle[i], idle_body, (void *)(uintptr_t)i, 0);
		if (rc != 0)
			die("gev_coro_create", rc);
		gev_coro_switch(idle[i], NULL);
	}
	long after = statm_resident_pages();
	size_t mc = 0;
	for (int i = 0; i < IDLE_N; i++)
		mc += mincore_pages(idle[i], page);
	for (int i = 0; i < IDLE_N; i++)
		gev_coro_destroy(idle[i]);
	gev_coro_pool_trim();
	*statm_bytes = (double)(after - before) * (double)page / IDLE_N;
	*mincore_bytes = (double)mc * (double)page / IDLE_N;
}

/* ---- report --------------------------------------------------------------------------- */

static void row(const char *name, const char *unit, stats s, const char *ratio, const char *budget,
		const char *verdict)
{
	printf("| %-36s | %9.2f %-5s | %8.2f - %-8.2f | %-18s | %-20s | %-4s |\n", name, s.med, unit,
	       s.min, s.max, ratio, budget, verdict);
}

int main(int argc, char **argv)
{
	const char *q = getenv("QUICK");
	quick = (q && *q && strcmp(q, "0") != 0) || (argc > 1 && strcmp(argv[1], "-quick") == 0);
	const int runs = quick ? 3 : RUNS;
	const long SW = quick ? 200000 : 5000000, SWAP = quick ? 20000 : 200000;
	const long CSD = quick ? 100000 : 2000000;
	double ours[RUNS], ours_ung[RUNS], bare[RUNS], boost[RUNS], glibc[RUNS], csd[RUNS];
	double rss[RUNS], mc[RUNS];
	double ratio[RUNS];
	root = gev_coro_current();

	/* warm-up, not measured */
	ours_switch(SW / 10, GEV_CORO_GUARD_AUTO);
	boost_switch(SW / 10);
	create_switch_destroy(CSD / 10);

	for (int r = 0; r < runs; r++) {
		ours[r] = ours_switch(SW, GEV_CORO_GUARD_AUTO);
		boost[r] = boost_switch(SW);
		ratio[r] = ours[r] / boost[r];
		ours_ung[r] = ours_switch(SW, GEV_CORO_GUARD_NONE);
		bare[r] = bare_switch(SW);
		glibc[r] = glibc_switch(SWAP);
		csd[r] = create_switch_destroy(CSD);
		resident_per_idle(&rss[r], &mc[r]);
	}
	gev_coro_pool_trim();
	gev_coro_census c;
	gev_coro_get_census(&c);
	if (c.live || c.mapped_stacks)
		die("leak check (census)", (long)c.mapped_stacks);

	stats s_ours = stats_of(ours, runs), s_boost = stats_of(boost, runs);
	stats s_ratio = stats_of(ratio, runs), s_ung = stats_of(ours_ung, runs);
	stats s_bare = stats_of(bare, runs);
	stats s_glibc = stats_of(glibc, runs), s_csd = stats_of(csd, runs);
	stats s_rss = stats_of(rss, runs), s_mc = stats_of(mc, runs);
	for (int i = 0; i < runs; i++) {
		rss[i] /= 1024;
		mc[i] /= 1024;
	}
	stats s_rss_k = stats_of(rss, runs), s_mc_k = stats_of(mc, runs);
	(void)s_rss;
	(void)s_mc;

	int ok_switch = s_ratio.med <= 0.6;
	int ok_csd = s_csd.med <= 25.0;
	int ok_rss = s_rss_k.med <= 4.3;
	const char *v_switch = quick ? "(quick)" : ok_switch ? "PASS" : "FAIL";
	const char *v_csd = quick ? "(quick)" : ok_csd ? "PASS" : "FAIL";
	const char *v_rss = quick ? "(quick)" : ok_rss ? "PASS" : "FAIL";
	char r_ours[64], r_ung[64], r_bare[64], r_glibc[64], r_csd[64];
	snprintf(r_ours, sizeof r_ours, "%.2fx boost", s_ratio.med);
	snprintf(r_ung, sizeof r_ung, "%.2fx boost", s_ung.med / s_boost.med);
	snprintf(r_bare, sizeof r_bare, "%.2fx boost", s_bare.med / s_boost.med);
	snprintf(r_glibc, sizeof r_glibc, "%.2fx boost", s_glibc.med / s_boost.med);
	snprintf(r_csd, sizeof r_csd, "%.2fx our switch", s_csd.med / s_ours.med);

	printf("perf_coro: %d runs each, interleaved; median and min - max%s\n\n", runs,
	       quick ? " (QUICK pass, budgets not judged)" : "");
	printf("| %-36s | %-15s | %-19s | %-18s | %-20s | %-4s |\n", "measurement", "median",
	       "min - max", "ratio", "budget", "");
	printf("|%s|%s|%s|%s|%s|%s|\n", "--------------------------------------",
	       "-----------------", "---------------------", "--------------------",
	       "----------------------", "------");
	row("switch: gev_coro_switch", "ns", s_ours, r_ours, "<= 0.6x boost", v_switch);
	row("switch: boost jump_fcontext", "ns", s_boost, "1.00x boost", "baseline", "");
	row("switch: bare asm (gev__coro_swap)", "ns", s_bare, r_bare, "(reference)", "");
	row("switch: glibc swapcontext", "ns", s_glibc, r_glibc, "(reference)", "");
	row("switch: gev_coro_switch, unguarded", "ns", s_ung, r_ung, "(reference)", "");
	row("pooled create+switch+destroy", "ns", s_csd, r_csd, "<= 25 ns", v_csd);
	row("resident per idle coroutine (statm)", "KiB", s_rss_k, "", "<= 4.3 KiB", v_rss);
	row("resident per idle coroutine (mincore)", "KiB", s_mc_k, "", "(cross-check)", "");
	printf("\nswitch = half a round trip root -> B -> root; boost row = jump_fcontext ping-pong, "
	       "same loop; ratio rows compare medians (ours/boost is the median of per-run ratios).\n"
	       "jump_fcontext also saves MXCSR and the x87 control word (about 2 ns); "
	       "gev_coro_switch does so only when built with -DGEV_CORO_SAVE_FPENV.\n");
	if (quick) {
		printf("perf_coro: QUICK pass done (budgets not judged)\n");
		return 0;
	}
	int ok = ok_switch && ok_csd && ok_rss;
	printf("perf_coro: %s\n", ok ? "all budgets PASS" : "some budget FAILED");
	return ok ? 0 : 1;
}
