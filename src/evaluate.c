/*
 * evaluate.c - one query of check, flow or nexthop, from the names a user
 * writes to the engines' answer.  The commands and the scenario runner share
 * this code, so that a scenario's expectation is checked against exactly what
 * `vnetsim check` (or flow, nexthop) prints for the same query.
 */
#include "config.h"

#include <string.h>

#include "evaluate.h"
#include "latency.h"
#include "resolve.h"

G_DEFINE_QUARK(vs - evaluate - error - quark, vs_evaluate_error)

/* NIC and VM lists in messages stop after this many names. */
#define NAME_LIST_LIMIT 20

/* "a, b, c" from the names of up to limit objects (and "..." beyond). */
static char *
name_list(const GPtrArray *objects, const char *(*name_of)(gconstpointer), guint limit)
{
	g_autoptr(GString) list = g_string_new(NULL);

	for (guint i = 0; i < objects->len && i < limit; i++)
		g_string_append_printf(list, "%s%s", i > 0 ? ", " : "",
				       name_of(g_ptr_array_index(objects, i)));
	if (objects->len > limit)
		g_string_append(list, ", ...");
	return g_string_free(g_steal_pointer(&list), FALSE);
}

static const char *
vm_name(gconstpointer vm)
{
	return ((const VsVm *)vm)->name;
}

static const char *
nic_name(gconstpointer nic)
{
	return ((const VsNic *)nic)->name;
}

VsNic *
vs_evaluate_find_nic(const VsModel *model, const char *spec, GError **error)
{
	const char *slash = strchr(spec, '/');
	g_autofree char *name = slash ? g_strndup(spec, (gsize)(slash - spec)) : g_strdup(spec);
	VsVm *vm = vs_model_find_vm(model, name);
	VsNic *nic = vs_model_resolve_nic(model, spec);
	g_autofree char *names = NULL;

	if (nic != NULL)
		return nic;
	if (vm == NULL) {
		names = name_list(model->vms, vm_name, NAME_LIST_LIMIT);
		g_set_error(error, VS_EVALUATE_ERROR, VS_EVALUATE_ERROR_NO_SUCH_VM,
			    "no VM named '%s' in model '%s' (VMs: %s)", name,
			    model->name ? model->name : "", *names != '\0' ? names : "none");
	} else if (vm->nics->len == 0) {
		g_set_error(error, VS_EVALUATE_ERROR, VS_EVALUATE_ERROR_NO_SUCH_NIC,
			    "VM %s has no NIC", vm->name);
	} else {
		names = name_list(vm->nics, nic_name, NAME_LIST_LIMIT);
		g_set_error(error, VS_EVALUATE_ERROR, VS_EVALUATE_ERROR_NO_SUCH_NIC,
			    "VM %s has no NIC named '%s' (its NICs: %s)", vm->name, slash + 1,
			    names);
	}
	return NULL;
}

VsNic *
vs_evaluate_find_nic_with_ip(const VsModel *model, const char *spec, VsIp4 ip, GError **error)
{
	VsNic *nic = vs_evaluate_find_nic(model, spec, error);
	gboolean nic_named = strchr(spec, '/') != NULL;
	g_autoptr(GString) addresses = g_string_new(NULL);
	char text[16];

	if (nic == NULL)
		return NULL;
	if (nic->private_ip == ip)
		return nic;
	if (!nic_named) {
		for (guint i = 0; i < nic->vm->nics->len; i++) {
			VsNic *other = g_ptr_array_index(nic->vm->nics, i);

			if (other->private_ip == ip)
				return other;
		}
	}
	for (guint i = 0; i < nic->vm->nics->len; i++) {
		VsNic *other = g_ptr_array_index(nic->vm->nics, i);

		if (nic_named && other != nic)
			continue;
		g_string_append_printf(addresses, "%s%s %s", addresses->len ? ", " : "",
				       other->name, vs_ip4_format(other->private_ip, text));
	}
	g_set_error(error, VS_EVALUATE_ERROR, VS_EVALUATE_ERROR_NOT_OWN_ADDRESS,
		    "%s is not an address of %s (%s)", vs_ip4_format(ip, text), spec,
		    addresses->str);
	return NULL;
}

/* TRUE when the check could not send anything: no agent, or a name that did not resolve. */
static gboolean
no_probes_sent(const VsTrace *trace)
{
	const VsHop *source;

	if (trace->destination_unresolved)
		return TRUE;
	source = g_ptr_array_index(trace->hops, 0);
	for (guint i = 0; i < source->issues->len; i++)
		if (((const VsIssue *)g_ptr_array_index(source->issues, i))->type ==
		    VS_ISSUE_AGENT_STOPPED)
			return TRUE;
	return FALSE;
}

static VsTrace *
check(const VsEngine *engine, const VsCheckRequest *request, const VsProbeDraws *draws,
      gboolean json_only, GError **error)
{
	g_auto(VsTargetSpec) target = {0};
	g_autoptr(GError) parse_error = NULL;
	VsResolution resolution;
	VsQuery query = {0};
	VsTrace *trace;

	g_return_val_if_fail(request->source != NULL && request->destination != NULL, NULL);

	if (!vs_target_parse(request->destination, &target, &parse_error)) {
		g_set_error_literal(error, VS_EVALUATE_ERROR, VS_EVALUATE_ERROR_BAD_TARGET,
				    parse_error->message);
		return NULL;
	}
	resolution = vs_resolve_host(engine->model, request->source, target.host, !target.is_uri);
	if (resolution.by == VS_RESOLVED_NONE)
		query.unresolved_name = target.host; /* the walk copies it */
	query.source = request->source;
	query.destination = resolution.address;
	query.destination_text = request->destination;
	query.protocol = request->protocol;
	query.source_port = request->source_port;
	query.destination_port = request->destination_port;
	query.explain = request->explain;
	query.skip_details = json_only;

	trace = vs_walk(engine, &query);
	/* without its agent, or without an address, the source sends nothing */
	{
		guint probes = no_probes_sent(trace) ? 0 : request->probes;

		if (draws != NULL && draws->seed == request->seed && draws->probes >= probes)
			vs_latency_probe_with(engine->model, trace, probes, draws);
		else
			vs_latency_probe(engine->model, trace, probes, request->seed);
	}
	if (request->http)
		g_ptr_array_add(trace->notes,
				g_strdup("HTTP is checked as a TCP connection to the port: "
					 "vnetsim simulates no web server, so --method and "
					 "--valid-status-codes do not change the verdict."));
	return trace;
}

VsTrace *
vs_evaluate_check(const VsEngine *engine, const VsCheckRequest *request, GError **error)
{
	return check(engine, request, NULL, FALSE, error);
}

VsTrace *
vs_evaluate_check_json(const VsEngine *engine, const VsCheckRequest *request,
		       const VsProbeDraws *draws, GError **error)
{
	return check(engine, request, draws, TRUE, error);
}

VsPacket
vs_evaluate_flow_packet(const VsFlowRequest *request)
{
	/* Inbound is remote -> local, outbound local -> remote, as the API defines them. */
	if (request->direction == VS_DIRECTION_INBOUND)
		return (VsPacket){request->remote_ip, request->local_ip, request->protocol,
				  request->remote_port, request->local_port};
	return (VsPacket){request->local_ip, request->remote_ip, request->protocol,
			  request->local_port, request->remote_port};
}

VsNsgVerdict
vs_evaluate_flow(const VsEngine *engine, const VsFlowRequest *request)
{
	VsPacket packet = vs_evaluate_flow_packet(request);

	return vs_nsg_evaluate_nic(engine->tags, request->nic, request->direction, &packet);
}

const VsEffectiveRoute *
vs_evaluate_nexthop(const VsEngine *engine, const VsNic *nic, VsIp4 destination)
{
	return vs_route_lookup(engine->routes, nic->subnet, destination);
}
