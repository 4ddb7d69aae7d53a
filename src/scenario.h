/*
 * scenario.h - regression scenarios for `vnetsim test`: a YAML file naming a
 * model and a list of checks, each one query (a connection troubleshoot, an IP
 * flow verify or a next hop) with the answers it expects.
 *
 * Loading (vs_scenario_load_*) reads the file through the same event cursor
 * as models (ycur.h: positions, depth and alias bounds) and is as strict:
 * unknown keys, wrong types, bad values and expectations that do not fit the
 * query are errors with FILE:LINE:COL and the object path, all reported at
 * once.  Running (vs_scenario_run_check) asks evaluate.c the query, exactly
 * as the command would, and compares: an outcome lists every expectation
 * that failed with what was expected and what came out.  Renderers
 * (render-test.h) lay outcomes out as text, TAP or JUnit.
 *
 * Issue expectations are "at least": each listed issue must be on the path,
 * other issues may be there too, unless the check says noOtherIssues: true.
 */
#ifndef VS_SCENARIO_H
#define VS_SCENARIO_H

#include <glib.h>

#include "addr.h"
#include "diag.h"
#include "model.h"
#include "trace.h"
#include "walk.h"

#define VS_SCENARIO_ERROR (vs_scenario_error_quark())
GQuark vs_scenario_error_quark(void);

typedef enum {
	VS_SCENARIO_ERROR_IO,      /* the file cannot be read */
	VS_SCENARIO_ERROR_INVALID, /* the file has errors: see the diag list */
} VsScenarioError;

/* The largest scenario file read, in bytes. */
#define VS_SCENARIO_MAX_FILE_SIZE (16u * 1024 * 1024)

typedef enum {
	VS_SCENARIO_CHECK,   /* source + destination: connection troubleshoot */
	VS_SCENARIO_FLOW,    /* flow: IP flow verify */
	VS_SCENARIO_NEXTHOP, /* nexthop: next hop */
} VsScenarioKind;

/* One expected issue; each field that is set must match the same issue. */
typedef struct {
	gboolean has_type;
	VsIssueType type;
	gboolean has_origin;
	VsIssueOrigin origin;
	gboolean has_severity;
	VsIssueSeverity severity;
	char *rule;  /* RuleName (NSG) or FirewallRule (guest firewall); NULL = any */
	char *route; /* RouteName; NULL = any */
	VsPos pos;
} VsIssueExpectation;

void vs_issue_expectation_free(VsIssueExpectation *expectation);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsIssueExpectation, vs_issue_expectation_free)

typedef struct {
	char *name;
	char *path; /* "checks[3]", for messages */
	VsScenarioKind kind;
	char *todo; /* NULL, or why the check is known to fail for now (TAP's TODO) */
	VsPos pos;  /* the check's mapping */

	/* the query.  check: source, destination...; flow: vm, direction...; nexthop: vm,
	 * address (the VM's own, --source), destination_ip */
	char *source; /* VM[/NIC] of a check */
	VsPos source_pos;
	char *destination; /* TARGET of a check: a VM, an address, a DNS name or a URI */
	VsPos destination_pos;
	VsProtocol protocol; /* check and flow: Tcp, Udp or Icmp */
	guint16 source_port;
	guint16 destination_port;
	guint probes;
	guint32 seed;
	gboolean http; /* protocol http or https (TCP, and a note in the answer) */
	char *vm;      /* VM[/NIC] of a flow or nexthop */
	VsPos vm_pos;
	VsDirection direction; /* flow */
	VsIp4 local_ip;        /* flow: local; nexthop: source */
	guint16 local_port;
	VsIp4 remote_ip; /* flow: remote; nexthop: dest */
	guint16 remote_port;
	VsPos local_pos; /* where local (flow) or source (nexthop) was given */

	/* the expectations; each is checked only when given */
	gboolean has_status;
	gboolean expect_reachable;
	GArray *hops;             /* VsHopType; NULL = not checked */
	GPtrArray *via;           /* char*: appliance VM names in path order; NULL = not checked */
	GPtrArray *issues;        /* VsIssueExpectation*; NULL = not checked */
	gboolean no_other_issues; /* every issue on the path must be listed */
	gboolean has_max_avg_latency;
	double max_avg_latency_ms;
	gboolean has_access;
	VsAccess access;
	char *rule_name;     /* "securityRules/NAME" or "defaultSecurityRules/NAME"; NULL = any */
	char *next_hop_type; /* canonical API name ("VirtualAppliance"); NULL = any */
	gboolean has_next_hop_ip;
	gboolean expect_no_next_hop_ip; /* nextHopIpAddress: "" */
	VsIp4 next_hop_ip;
} VsScenarioCheck;

void vs_scenario_check_free(VsScenarioCheck *check);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsScenarioCheck, vs_scenario_check_free)

typedef struct {
	char *file;       /* the scenario file, as named; positions point here */
	char *model;      /* the model as written in the file */
	char *model_path; /* the model relative to the current directory */
	VsPos model_pos;
	GPtrArray *checks; /* VsScenarioCheck*, owned, file order */
} VsScenario;

void vs_scenario_free(VsScenario *scenario);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsScenario, vs_scenario_free)

/*
 * Loads a scenario file.  Returns it, or NULL with error set (IO: unreadable;
 * INVALID: the errors, positioned, are appended to diags, which must not be
 * NULL).  model_path is the model joined to the file's directory.
 */
VsScenario *vs_scenario_load_file(const char *path, VsDiagList *diags, GError **error);

/* The same from memory; name is what positions call the file. */
VsScenario *vs_scenario_load_data(const char *data, gsize length, const char *name,
				  VsDiagList *diags, GError **error);

/* One failed expectation, worded for people: "hops", "[Source, VnetLocal]", "[Source]". */
typedef struct {
	char *field;
	char *expected;
	char *actual;
} VsMismatch;

void vs_mismatch_free(VsMismatch *mismatch);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsMismatch, vs_mismatch_free)

typedef struct {
	const VsScenario *scenario;   /* borrowed */
	const VsScenarioCheck *check; /* borrowed */
	gboolean passed;              /* every expectation held */
	GPtrArray *mismatches;        /* VsMismatch*, owned, in expectation order */
	char *answer; /* what the query answered, one line ("Reachable: Source -> VnetLocal db1") */
} VsCheckOutcome;

void vs_check_outcome_free(VsCheckOutcome *outcome);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsCheckOutcome, vs_check_outcome_free)

/*
 * Runs one check of scenario against engine's model and compares.  Returns
 * the outcome, or NULL after appending a positioned error to diags when the
 * query names something the model lacks (a VM, a NIC, an address): that is a
 * bad scenario, not a failed check.
 */
VsCheckOutcome *vs_scenario_run_check(const VsEngine *engine, const VsScenario *scenario,
				      const VsScenarioCheck *check, VsDiagList *diags);

/* The outcomes of a run, in order, and their tally. */
typedef struct {
	GPtrArray *outcomes; /* VsCheckOutcome*, owned */
	guint passed;        /* passed, todo checks that passed included */
	guint failed;        /* failed and not todo: these make the run fail */
	guint todo;          /* todo checks that failed, as they are expected to */
} VsTestReport;

VsTestReport *vs_test_report_new(void);
void vs_test_report_free(VsTestReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VsTestReport, vs_test_report_free)

/* Appends outcome (taking ownership) and counts it. */
void vs_test_report_add(VsTestReport *report, VsCheckOutcome *outcome);

#endif
