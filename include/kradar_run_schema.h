/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kradar run directory: the one definition shared by its writers
 * (kradar-collect, kradar-report's evidence files) and its readers
 * (host/rundir, and through it kradar-report and kradar-compare).
 *
 * A run directory is what tools/kradar-run leaves: the collector's
 * events.jsonl and summary.txt, the guest console (serial.log), the
 * runner's notes (run-events.txt, qemu-cpu.txt, ...). Its version is
 * stated once, in the first line of events.jsonl:
 *
 *   {"type":"schema","schema":1,"writer":"kradar-collect","kradar_version":"..."}
 *
 * "schema" is a major number. Within one major, things are only added
 * (event types, keys, marks, files); a reader skips what it does not know.
 * A change that would mislead an older reader (a key that changes meaning
 * or unit, a type that is renamed or removed) takes the next major, and a
 * reader refuses a major newer than KRADAR_RUN_SCHEMA with a message that
 * names the file and both numbers. A directory without the line is schema
 * 0: the format written before it existed, identical to schema 1 but for
 * the line, and read as such. Documentation/collector.rst has the rule.
 *
 * Everything a writer and a reader both spell lives here: file names,
 * event type names, the event keys that some reader reads (a key only the
 * writer and the documentation use stays a literal in the writer) and the
 * marks the runner writes into serial.log and run-events.txt
 * (tools/kradar-run writes those with the same text; host/rundir's test
 * checks that it does).
 */
#ifndef KRADAR_RUN_SCHEMA_H
#define KRADAR_RUN_SCHEMA_H

#include <stdbool.h>
#include <string.h>

/* events.jsonl's major version; readers accept 0 .. this. */
#define KRADAR_RUN_SCHEMA		1

/*
 * report.json (kradar-report) is a document of its own, versioned by its
 * top-level "schema": "kradar-report-run/MAJOR", with the same rule
 * (fields only added within a major). Its "run" object's "schema" is the
 * run directory's, KRADAR_RUN_SCHEMA or older, that it was made from.
 */
#define KRADAR_REPORT_SCHEMA		"kradar-report-run/1"

/* ---- files of a run directory ---- */

#define KRADAR_RUN_FILES(F)						\
	F(EVENTS,		"events.jsonl")		/* kradar-collect */	\
	F(SUMMARY,		"summary.txt")		/* kradar-collect */	\
	F(STREAM,		"stream.bin")		/* kradar-collect */	\
	F(SERIAL,		"serial.log")		/* guest console */	\
	F(RUN_EVENTS,		"run-events.txt")	/* "HOST_NS TEXT" */	\
	F(QEMU_CPU,		"qemu-cpu.txt")		/* QEMU CPU time */	\
	F(MODULE_OVERRIDES,	"module-overrides.txt")	/* --module */	\
	F(VCPUS,		"vcpus.txt")		/* kradar-vcpus */	\
	F(TIMELINE_SVG,		"timeline.svg")		/* kradar-report */	\
	F(REPORT_EMAIL,		"report-email.txt")	/* kradar-report */	\
	F(REPORT_JSON,		"report.json")		/* kradar-report */	\
	F(PERFETTO,		"trace.perfetto.json")	/* kradar-report */

enum kradar_run_file {
#define KRADAR_RUN_FILE_ENUM(id, name) KRADAR_FILE_##id,
	KRADAR_RUN_FILES(KRADAR_RUN_FILE_ENUM)
#undef KRADAR_RUN_FILE_ENUM
	KRADAR_FILE__COUNT,
};

static inline const char *kradar_run_file__name(enum kradar_run_file f)
{
	static const char *const names[KRADAR_FILE__COUNT] = {
#define KRADAR_RUN_FILE_NAME(id, name) [KRADAR_FILE_##id] = name,
		KRADAR_RUN_FILES(KRADAR_RUN_FILE_NAME)
#undef KRADAR_RUN_FILE_NAME
	};

	return (unsigned int)f < KRADAR_FILE__COUNT ? names[f] : "";
}

/* ---- events.jsonl: one JSON object per line, "type" first ---- */

#define KRADAR_EVENT_TYPES(E)						\
	E(SCHEMA,		"schema")	/* first line: the version */	\
	E(HELLO,		"hello")				\
	E(HEARTBEAT,		"heartbeat")				\
	E(HRTIMER_WINDOW,	"hrtimer_window")			\
	E(STORM,		"hrtimer_storm")			\
	E(STORM_UPDATE,		"hrtimer_storm_update")			\
	E(STORM_END,		"hrtimer_storm_end")			\
	E(QS_GAP,		"qs_gap")				\
	E(GP_STALL,		"gp_stall")				\
	E(LOCK,			"lock_contention")			\
	E(HUNG,			"hung_task")				\
	E(CPU_STUCK,		"cpu_stuck")				\
	E(LOST,			"lost")					\
	E(UNKNOWN_RECORD,	"unknown_record")			\
	E(STREAM_LOSS,		"stream_loss")				\
	E(CONNECT,		"connect")				\
	E(DISCONNECT,		"disconnect")				\
	E(CONSOLE_DUMP,		"console_dump")				\
	E(SUMMARY,		"summary")	/* last line */

enum kradar_event_type {
	KRADAR_EVT_UNKNOWN,	/* a type this build does not know */
#define KRADAR_EVENT_ENUM(id, name) KRADAR_EVT_##id,
	KRADAR_EVENT_TYPES(KRADAR_EVENT_ENUM)
#undef KRADAR_EVENT_ENUM
	KRADAR_EVT__COUNT,
};

static inline const char *kradar_event_type__name(enum kradar_event_type t)
{
	static const char *const names[KRADAR_EVT__COUNT] = {
		[KRADAR_EVT_UNKNOWN] = "unknown",
#define KRADAR_EVENT_NAME(id, name) [KRADAR_EVT_##id] = name,
		KRADAR_EVENT_TYPES(KRADAR_EVENT_NAME)
#undef KRADAR_EVENT_NAME
	};

	return (unsigned int)t < KRADAR_EVT__COUNT ? names[t] : "unknown";
}

/* Values of KRADAR_KEY_PHASE (qs_gap, gp_stall, lock_contention, hung_task,
 * cpu_stuck) */
#define KRADAR_PHASE_NAME_BEGIN		"begin"
#define KRADAR_PHASE_NAME_UPDATE	"update"
#define KRADAR_PHASE_NAME_END		"end"

/*
 * Keys that readers read. Integers are JSON numbers up to 2^53 and
 * decimal strings beyond (host/lib/json.h JW_EXACT_MAX); addresses are
 * "0x..." strings.
 */
/* every event */
#define KRADAR_KEY_TYPE			"type"
#define KRADAR_KEY_HOST_NS		"host_ns"	/* host CLOCK_REALTIME, null offline */
/* the schema line */
#define KRADAR_KEY_SCHEMA		"schema"
#define KRADAR_KEY_WRITER		"writer"
#define KRADAR_KEY_KRADAR_VERSION	"kradar_version"
/* events made from a probe record */
#define KRADAR_KEY_T_NS			"t_ns"		/* guest local_clock() */
#define KRADAR_KEY_CPU			"cpu"
#define KRADAR_KEY_PHASE		"phase"
/* hello (and the summary's session) */
#define KRADAR_KEY_RELEASE		"release"
#define KRADAR_KEY_NR_CPUS		"nr_cpus"
#define KRADAR_KEY_WINDOW_MS		"window_ms"
#define KRADAR_KEY_HEARTBEAT_MS		"heartbeat_ms"
#define KRADAR_KEY_THRESHOLDS		"thresholds"
#define KRADAR_KEY_STORM_RATE_PER_S	"storm_rate_per_s"
/* heartbeat */
#define KRADAR_KEY_SAMPLER_LATE_NS	"sampler_late_ns"
/* hrtimer_window and its entries */
#define KRADAR_KEY_START_NS		"start_ns"
#define KRADAR_KEY_END_NS		"end_ns"
#define KRADAR_KEY_EVENTS		"events"
#define KRADAR_KEY_ENTRIES		"entries"
#define KRADAR_KEY_FUNCTION		"function"
#define KRADAR_KEY_ADDR			"addr"
#define KRADAR_KEY_COUNT		"count"
#define KRADAR_KEY_RATE_PER_S		"rate_per_s"
#define KRADAR_KEY_LATE			"late"
#define KRADAR_KEY_LATE_PCT		"late_pct"
#define KRADAR_KEY_LATE_MEAN_NS		"late_mean_ns"
#define KRADAR_KEY_LATE_MAX_NS		"late_max_ns"
/* hrtimer_storm* */
#define KRADAR_KEY_BEGIN_NS		"begin_ns"
#define KRADAR_KEY_PEAK_RATE_PER_S	"peak_rate_per_s"
#define KRADAR_KEY_REC_NS		"rec_ns"
/* qs_gap */
#define KRADAR_KEY_GAP_MS		"gap_ms"
#define KRADAR_KEY_GAP_START_NS		"gap_start_ns"
#define KRADAR_KEY_TASK			"task"
#define KRADAR_KEY_PID			"pid"
#define KRADAR_KEY_TOP_HRTIMERS		"top_hrtimers"
#define KRADAR_KEY_STACK		"stack"
/* gp_stall */
#define KRADAR_KEY_GP_SEQ		"gp_seq"
#define KRADAR_KEY_STALL_MS		"stall_ms"
#define KRADAR_KEY_CPUS			"cpus"
#define KRADAR_KEY_GP_START_NS		"gp_start_ns"
/* lock_contention */
#define KRADAR_KEY_LOCK			"lock"
#define KRADAR_KEY_LOCK_ADDR		"lock_addr"
#define KRADAR_KEY_HOLDER_PID		"holder_pid"
#define KRADAR_KEY_HOLDER_COMM		"holder_comm"
#define KRADAR_KEY_HOLDER_STATE		"holder_state"
#define KRADAR_KEY_HELD_MS		"held_ms"
#define KRADAR_KEY_HELD_EXACT		"held_exact"
#define KRADAR_KEY_WAIT_MS		"wait_ms"
#define KRADAR_KEY_WAITERS		"waiters"
#define KRADAR_KEY_COMM			"comm"
#define KRADAR_KEY_HOLDER_STACK		"holder_stack"
#define KRADAR_KEY_VHOST_KILLED		"vhost_worker_killed"
/* hung_task and cpu_stuck (also comm, pid, task, stack above) */
#define KRADAR_KEY_SINCE_NS		"since_ns"
#define KRADAR_KEY_HUNG_MS		"hung_ms"
#define KRADAR_KEY_SLEEPS_IN		"sleeps_in"
#define KRADAR_KEY_WAITS_FOR		"waits_for"
#define KRADAR_KEY_LOCK_HOLDER_PID	"lock_holder_pid"
#define KRADAR_KEY_EXITED		"exited"
#define KRADAR_KEY_KIND			"kind"		/* no_schedule, irqs_off, rt_hog */
#define KRADAR_KEY_STUCK_MS		"stuck_ms"
#define KRADAR_KEY_RT_PRIORITY		"rt_priority"
#define KRADAR_KEY_WAITER		"waiter"	/* pid, comm, woken_ns */
#define KRADAR_KEY_PREEMPT_COUNT	"preempt_count"
#define KRADAR_KEY_STACK_FROM		"stack_from"	/* tick, nmi, after */
#define KRADAR_KEY_STACK_NS		"stack_ns"
#define KRADAR_KEY_IN			"in"
#define KRADAR_KEY_WENT_IDLE		"went_idle"
/* lost */
#define KRADAR_KEY_RECORDS		"records"
/* summary */
#define KRADAR_KEY_VERDICT		"verdict"
#define KRADAR_KEY_GUEST_NS_COVERED	"guest_ns_covered"

/* ---- serial.log: the runner's marks, "kradar-run: TEXT" ---- */

#define KRADAR_MARK_PREFIX		"kradar-run: "
#define KRADAR_MARK_INIT		"init started"
#define KRADAR_MARK_KERNEL_TEXT		"kernel _text "		/* + hex address */
#define KRADAR_MARK_PROBE_LOADED	"probe loaded"
#define KRADAR_MARK_PROBE_UNLOADED	"probe unloaded"
#define KRADAR_MARK_JOB_STARTED		"job started: "		/* + job name */
#define KRADAR_MARK_JOB_FINISHED	"job finished: status "	/* + status */
#define KRADAR_MARK_POWEROFF		"poweroff"

/* ---- run-events.txt: "HOST_NS TEXT" lines of the runner ---- */

#define KRADAR_RUNEV_QEMU_STARTED	"qemu started"	/* accel=A pid=N */
#define KRADAR_RUNEV_QEMU_EXITED	"qemu exited"	/* status=N */
#define KRADAR_RUNEV_QEMU_KILLED	"qemu killed"
#define KRADAR_RUNEV_TIMEOUT		"timeout"
#define KRADAR_RUNEV_COLLECTOR		"collector"	/* started, exited, ... */

/* The text of a mark or a run event (after its prefix or time) is MARK */
static inline bool kradar_mark__is(const char *text, const char *mark)
{
	return !strncmp(text, mark, strlen(mark));
}

#endif /* KRADAR_RUN_SCHEMA_H */
