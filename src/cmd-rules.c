/*
 * cmd-rules.c - `vnetsim rules MODEL --vm VM[/NIC]`: the effective security
 * rules of a NIC, as Azure lists them: the subnet's NSG, then the NIC's, each
 * with every rule (defaults included) and each address side expanded to the
 * prefixes it stands for as seen from the NIC's subnet.
 */
#include "config.h"

#include "cmd.h"
#include "render.h"
#include "walk.h"

#define COMMAND "rules"

static gint
compare_prefixes(gconstpointer a, gconstpointer b)
{
	const VsPrefix *left = a, *right = b;

	if (left->addr != right->addr)
		return left->addr < right->addr ? -1 : 1;
	return (gint)left->len - (gint)right->len;
}

/*
 * The prefixes one side of a rule stands for at nic's subnet: * is
 * 0.0.0.0/0, prefixes are themselves, a tag is what the tag index says (the
 * VirtualNetwork tag depends on the subnet), and application security groups
 * are the addresses of their member NICs, sorted, each once.
 */
static void
expand_side(const VsTagIndex *tags, const VsSubnet *subnet, const VsAddressMatch *match,
	    GArray *out)
{
	static const VsPrefix everything = {0, 0};

	switch (match->kind) {
	case VS_MATCH_ANY:
		g_array_append_val(out, everything);
		break;
	case VS_MATCH_PREFIXES:
		g_array_append_vals(out, match->prefixes->data, match->prefixes->len);
		break;
	case VS_MATCH_TAG: {
		g_autoptr(GArray) expanded =
			vs_tag_expand(tags, match->tag, match->user_tag, subnet);

		g_array_append_vals(out, expanded->data, expanded->len);
		break;
	}
	case VS_MATCH_ASGS:
		for (guint i = 0; i < match->asgs->len; i++) {
			const VsAsg *asg = g_ptr_array_index(match->asgs, i);

			for (guint j = 0; j < asg->nics->len; j++) {
				const VsNic *member = g_ptr_array_index(asg->nics, j);
				VsPrefix host = {member->private_ip, 32};

				g_array_append_val(out, host);
			}
		}
		g_array_sort(out, compare_prefixes);
		for (guint i = 1; i < out->len;) {
			if (compare_prefixes(&g_array_index(out, VsPrefix, i - 1),
					     &g_array_index(out, VsPrefix, i)) == 0)
				g_array_remove_index(out, i);
			else
				i++;
		}
		break;
	}
}

static VsEffectiveNsg *
effective_nsg(const VsTagIndex *tags, const VsNic *nic, const VsNsg *nsg, gboolean subnet_level)
{
	VsEffectiveNsg *effective = vs_effective_nsg_new(nsg, subnet_level ? nic->subnet : NULL,
							 subnet_level ? NULL : nic);
	const GPtrArray *directions[] = {nsg->inbound, nsg->outbound};

	for (gsize d = 0; d < G_N_ELEMENTS(directions); d++) {
		for (guint i = 0; i < directions[d]->len; i++) {
			const VsRule *rule = g_ptr_array_index(directions[d], i);
			VsEffectiveRule *item = vs_effective_rule_new(rule);

			expand_side(tags, nic->subnet, &rule->source, item->expanded_source);
			expand_side(tags, nic->subnet, &rule->destination,
				    item->expanded_destination);
			g_ptr_array_add(effective->rules, item);
		}
	}
	return effective;
}

int
vs_cmd_rules(int argc, char **argv)
{
	g_autoptr(VsModel) model = NULL;
	g_autoptr(VsEngine) engine = NULL;
	g_autoptr(GString) out = g_string_new(NULL);
	g_autoptr(GPtrArray) nsgs =
		g_ptr_array_new_with_free_func((GDestroyNotify)vs_effective_nsg_free);
	VsFormat format;
	const VsNic *nic;

	if (!vs_cmd_vm_command(COMMAND,
			       "List the effective security rules of a VM's NIC: its subnet's "
			       "NSG and its own,\ndefault rules included, with service tags "
			       "expanded, as Azure's effective security rules do.",
			       &argc, &argv, &model, &nic, &format))
		return VS_EXIT_USAGE;

	engine = vs_engine_new(model);
	if (nic->subnet != NULL && nic->subnet->nsg != NULL)
		g_ptr_array_add(nsgs, effective_nsg(engine->tags, nic, nic->subnet->nsg, TRUE));
	if (nic->nsg != NULL)
		g_ptr_array_add(nsgs, effective_nsg(engine->tags, nic, nic->nsg, FALSE));
	if (format == VS_FORMAT_JSON)
		vs_render_rules_json(out, model, nsgs);
	else
		vs_render_rules_text(out, nic, nsgs);
	vs_cmd_write(out);
	return VS_EXIT_OK;
}
