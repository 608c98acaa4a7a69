/*
 * perf_hub.c - the C hub's budgets, measured against baselines in the same run.
 *
 *   yield            sleep(0) handoff between two C greenlets through the hub: <= 12 ns
 *   timer arm+disarm gev_timeout start+cancel vs bare ev_timer_set+start+stop on a raw loop,
 *                    empty heap: <= 1.5x
 *   fire 10k timers  10,000 host timers armed through the command array and fired through
 *                    turns, vs 10,000 bare ev_timers armed and fired by ev_run: <= 1.5x per
 *                    timer
 *   parked greenlets 100,000 C greenlets parked in sleep(3600): <= 4.3 KiB resident each
 *
 * Each measurement is repeated (RUNS times) and the medians are compared; the table shows
 * median, min-max, the ratio and PASS/FAIL. QUICK=1 in the environment (or -quick) runs a
 * short pass that only proves the program works (budgets are then not judged).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gev_coro.h"
#include "gev_hub.h"

static int quick;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what, int rc)
{
	fprintf(stderr, "perf_hub: %s failed: %d (%s)\n", what, rc, gev_hub_strerror(rc));
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

static stats stats_of(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	stats s = {n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2, v[0], v[n - 1]};
	return s;
}

/* ---- yield ---------------------------------------------------------------------------- */

static long yield_n;

static int body_yield(gev_hub *h, void *arg, void **value)
{
	(void)arg;
	(void)value;
	for (long i = 0; i < yield_n; i++)
		gev_hub_sleep(h, 0);
	return 0;
}

static double run_yield(void)
{
	gev_hub *h;
	int rc = gev_hub_new(&h, 0);
	if (rc)
		die("gev_hub_new", rc);
	double t0 = now(); /* two spawns are noise next to millions of yields */
	gev_hub_spawn(h, NULL, body_yield, NULL);
	gev_hub_spawn(h, NULL, body_yield, NULL);
	if ((rc = gev_hub_run(h)) != 0)
		die("gev_hub_run", rc);
	double dt = now() - t0;
	gev_hub_destroy(h);
	return dt / (2.0 * (double)yield_n) * 1e9;
}

/* ---- timer arm + disarm ---------------------------------------------------------------- */

static long arm_n;
static double arm_ns;

static void raw_cb(struct ev_loop *l, ev_timer *w, int r)
{
	(void)l;
	(void)w;
	(void)r;
}

static double run_arm_raw(void)
{
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	ev_timer w;
	ev_init(&w, raw_cb);
	double t0 = now();
	for (long i = 0; i < arm_n; i++) {
		ev_timer_set(&w, 1.0, 0.);
		ev_timer_start(loop, &w);
		ev_timer_stop(loop, &w);
	}
	double dt = now() - t0;
	ev_loop_destroy(loop);
	return dt / (double)arm_n * 1e9;
}

static int body_arm(gev_hub *h, void *arg, void **value)
{
	(void)arg;
	(void)value;
	gev_timeout t;
	gev_timeout_init(&t, h);
	double t0 = now();
	for (long i = 0; i < arm_n; i++) {
		gev_timeout_start(&t, 1.0);
		gev_timeout_cancel(&t);
	}
	arm_ns = (now() - t0) / (double)arm_n * 1e9;
	return 0;
}

static double run_arm_hub(void)
{
	gev_hub *h;
	gev_hub_new(&h, 0);
	gev_hub_spawn(h, NULL, body_arm, NULL);
	int rc = gev_hub_run(h);
	if (rc)
		die("gev_hub_run", rc);
	gev_hub_destroy(h);
	return arm_ns;
}

/* A Go sleep that is cancelled: TIMER_START + TIMER_STOP written into the command array,
 * applied by turns of 1,000 commands (the turn's own poll amortised over the batch).
 * Reported, not budgeted. */
static double run_arm_cmds(void)
{
	gev_hub *h;
	int rc = gev_hub_new(&h, 1000);
	if (rc)
		die("gev_hub_new", rc);
	gev_hub_host *host = gev_hub_host_of(h);
	long n = arm_n / 10;
	double t0 = now();
	for (long i = 0; i < n; i++) {
		if (host->ncmds + 2 > host->cmd_cap)
			gev_hub_turn(h, 0);
		gev_hub_cmd *c = &host->cmds[host->ncmds++];
		c->op = GEV_HUB_CMD_TIMER_START;
		c->id = (uint64_t)(i & 255);
		c->seconds = 1.0;
		c->repeat = 0;
		c = &host->cmds[host->ncmds++];
		c->op = GEV_HUB_CMD_TIMER_STOP;
		c->id = (uint64_t)(i & 255);
	}
	gev_hub_turn(h, 0);
	double dt = now() - t0;
	gev_hub_destroy(h);
	return dt / (double)n * 1e9;
}

/* ---- firing 10,000 timers -------------------------------------------------------------- */

enum { NFIRE = 10000 };
static long fired;

static void count_cb(struct ev_loop *l, ev_timer *w, int r)
{
	(void)l;
	(void)w;
	(void)r;
	fired++;
}

/* Both sides run in a long-lived loop/hub (warmed up once): the steady state a host sees.
 * Deadlines are spread over 100 us so the heap really orders them. Both poll without
 * blocking (EVRUN_NOWAIT / max_wait 0): a blocking wait for a timer a few us away sleeps a
 * whole millisecond in epoll_wait and would measure the kernel's rounding, not the timers. */
static struct ev_loop *fire_loop;
static gev_hub *fire_hub;

static double run_fire_raw(void)
{
	static ev_timer ws[NFIRE];
	fired = 0;
	ev_now_update(fire_loop);
	double t0 = now();
	for (int i = 0; i < NFIRE; i++) {
		ev_timer_init(&ws[i], count_cb, (double)(i % 100) * 1e-6, 0.);
		ev_timer_start(fire_loop, &ws[i]);
	}
	while (fired < NFIRE)
		ev_run(fire_loop, EVRUN_NOWAIT);
	double dt = now() - t0;
	return dt / NFIRE * 1e9;
}

static double run_fire_hub(void)
{
	gev_hub *h = fire_hub;
	gev_hub_host *host = gev_hub_host_of(h);
	long got = 0;
	double t0 = now();
	for (int i = 0; i < NFIRE; i++) {
		gev_hub_cmd *c = &host->cmds[host->ncmds++];
		c->op = GEV_HUB_CMD_TIMER_START;
		c->id = (uint64_t)i;
		c->seconds = (double)(i % 100) * 1e-6;
		c->repeat = 0;
	}
	while (got < NFIRE) {
		int n = gev_hub_turn(h, 0);
		if (n < 0)
			die("gev_hub_turn", n);
		for (int j = 0; j < n; j++)
			got += host->events[j].kind == GEV_HUB_EV_TIMER;
	}
	double dt = now() - t0;
	return dt / NFIRE * 1e9;
}

/* ---- parked greenlets ------------------------------------------------------------------ */

static long resident_bytes(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long size = 0, res = 0;
	if (!f || fscanf(f, "%ld %ld", &size, &res) != 2)
		die("reading /proc/self/statm", 0);
	fclose(f);
	return res * sysconf(_SC_PAGESIZE);
}

static int body_park(gev_hub *h, void *arg, void **value)
{
	(void)arg;
	(void)value;
	return gev_hub_sleep(h, 3600);
}

static long parked_n;

static double run_parked_here(void)
{
	gev_hub *h;
	gev_hub_new(&h, 0);
	gev_greenlet **gs = malloc((size_t)parked_n * sizeof *gs);
	if (!gs)
		die("malloc", 0);
	memset(gs, 0, (size_t)parked_n * sizeof *gs); /* the bench's own array: resident before */
	long before = resident_bytes();
	for (long i = 0; i < parked_n; i++) {
		int rc = gev_hub_spawn(h, &gs[i], body_park, NULL);
		if (rc)
			die("gev_hub_spawn", rc);
	}
	do
		gev_hub_turn(h, 0);
	while (gev_hub_host_of(h)->has_ready);
	long after = resident_bytes();
	gev_hub_census c;
	gev_hub_get_census(h, &c);
	if (c.alive != (size_t)parked_n || c.timers != (size_t)parked_n)
		die("parking every greenlet", (int)c.alive);
	for (long i = 0; i < parked_n; i++) {
		gev_greenlet_kill(gs[i], GEV_HUB_EXIT, 0, 0);
		gev_greenlet_release(gs[i]);
	}
	int rc = gev_hub_run(h);
	if (rc)
		die("gev_hub_run", rc);
	gev_hub_destroy(h);
	free(gs);
	gev_coro_pool_trim();
	return (double)(after - before) / (double)parked_n;
}

/* run_parked measures in a fresh child process: in this one, the memory freed by an earlier
 * run stays resident in malloc's heap and would hide the greenlet structs of the next. */
static double run_parked(void)
{
	int p[2];
	if (pipe(p) != 0)
		die("pipe", 0);
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		die("fork", 0);
	if (pid == 0) {
		double v = run_parked_here();
		ssize_t w = write(p[1], &v, sizeof v);
		_exit(w == (ssize_t)sizeof v ? 0 : 1);
	}
	double v = NAN;
	ssize_t r = read(p[0], &v, sizeof v);
	int status = 0;
	waitpid(pid, &status, 0);
	close(p[0]);
	close(p[1]);
	if (r != (ssize_t)sizeof v || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		die("the parked-greenlet child", status);
	return v;
}

/* ---- report --------------------------------------------------------------------------- */

static int all_pass = 1;

/* row prints one table line; the budget is on the ratio when a baseline is given, else on
 * the median itself. */
static void row(const char *name, const char *unit, stats s, const char *base_name, stats *b,
		double budget)
{
	double judged = b ? s.med / b->med : s.med;
	int pass = judged <= budget;
	if (!quick && !pass)
		all_pass = 0;
	char base[128] = "-", rat[32] = "-", bud[32];
	int reported = isinf(budget);
	if (b) {
		snprintf(base, sizeof base, "%s: %.2f %s (%.2f–%.2f)", base_name, b->med, unit, b->min,
			 b->max);
		snprintf(rat, sizeof rat, "%.2fx", judged);
		snprintf(bud, sizeof bud, "≤ %.1fx", budget);
	} else {
		snprintf(bud, sizeof bud, "≤ %.1f %s", budget, unit);
	}
	if (reported)
		snprintf(bud, sizeof bud, "-");
	printf("| %s | %.2f %s | %.2f–%.2f | %s | %s | %s | %s |\n", name, s.med, unit, s.min, s.max,
	       base, rat, bud, reported ? "-" : quick ? "(quick)" : pass ? "PASS" : "FAIL");
}

int main(int argc, char **argv)
{
	const char *q = getenv("QUICK");
	quick = (q && *q && strcmp(q, "0") != 0) || (argc > 1 && strcmp(argv[1], "-quick") == 0);
	int runs = quick ? 3 : 7;
	yield_n = quick ? 100000 : 5000000;
	arm_n = quick ? 100000 : 10000000;
	parked_n = quick ? 10000 : 100000;

	double y[9], ar[9], ah[9], ac[9], fr[9], fh[9], pk[9];
	fire_loop = ev_loop_new(EVFLAG_AUTO);
	int rc = gev_hub_new(&fire_hub, NFIRE);
	if (rc)
		die("gev_hub_new", rc);
	run_fire_raw(); /* warm-up: heap and pools at their steady size */
	run_fire_hub();
	for (int r = 0; r < runs; r++) {
		y[r] = run_yield();
		/* interleave baseline and hub so drift hits both alike */
		ar[r] = run_arm_raw();
		ah[r] = run_arm_hub();
		ac[r] = run_arm_cmds();
		fr[r] = run_fire_raw();
		fh[r] = run_fire_hub();
	}
	ev_loop_destroy(fire_loop);
	gev_hub_destroy(fire_hub);
	int pruns = quick ? 1 : 3;
	for (int r = 0; r < pruns; r++)
		pk[r] = run_parked() / 1024.0;

	stats sy = stats_of(y, runs), sar = stats_of(ar, runs), sah = stats_of(ah, runs);
	stats sac = stats_of(ac, runs);
	stats sfr = stats_of(fr, runs), sfh = stats_of(fh, runs), spk = stats_of(pk, pruns);

	printf("\n### C hub (csrc/bench/perf_hub.c), medians of %d runs%s\n\n", runs,
	       quick ? " — QUICK pass, budgets not judged" : "");
	printf("| measurement | median | min–max | baseline (same run) | ratio | budget | result |\n");
	printf("|---|---|---|---|---|---|---|\n");
	row("yield through the hub (sleep(0), 2 greenlets)", "ns", sy, NULL, NULL, 12.0);
	row("timer arm+disarm (gev_timeout start+cancel), empty heap", "ns", sah,
	    "ev_timer_set+start+stop", &sar, 1.5);
	row("host timer arm+cancel via commands, 1,000 per turn (reported)", "ns", sac,
	    "ev_timer_set+start+stop", &sar, INFINITY);
	row("fire 10,000 timers (host commands + turns), per timer", "ns", sfh,
	    "bare ev_timer + ev_run", &sfr, 1.5);
	char name[96];
	snprintf(name, sizeof name, "resident per parked C greenlet (%ld in sleep(3600))", parked_n);
	row(name, "KiB", spk, NULL, NULL, 4.3);
	printf("\n");
	return all_pass ? 0 : 1;
}
