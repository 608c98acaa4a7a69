/*
 * traceback.h - the C half of EnableCTraceback (traceback.go, traceback.c).
 */
#ifndef GEVGO_TRACEBACK_H
#define GEVGO_TRACEBACK_H

/* gevgo_traceback and gevgo_symbolizer have the signatures runtime.SetCgoTraceback wants
 * (void fn(struct cgoTracebackArg *) and void fn(struct cgoSymbolizerArg *)); the Go
 * runtime calls them, possibly from a signal handler, never Go code of this project. */
void gevgo_traceback(void *arg);
void gevgo_symbolizer(void *arg);

#endif /* GEVGO_TRACEBACK_H */
